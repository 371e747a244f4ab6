using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// The highest seq_id below which the log can no longer change. Sequence numbers are drawn in one order and
/// committed in another, so "seq_id > last" alone would skip an event whose transaction commits late.
///
/// Writers take a transaction id before they draw (AppendWriter and BulkStreamStarter write mt_streams first). The
/// mark reads, in this order, the sequence's last value M and then N, the next transaction id to be handed out.
/// Every transaction that drew a number up to M drew it before M was read, so it had its id before N was read:
/// its id is below N. Once a snapshot's xmin reaches N, all of those have finished, and every event up to M that
/// will ever exist is visible. Each look records such a checkpoint (M, N); the mark is the M of the newest one whose
/// N the current xmin has reached. It costs writers nothing.
///
/// (The snapshot alone cannot give N: its xmax is the last finished id + 1, and running transactions with higher
/// ids are not in it. N comes from age(), which in a transaction without an id of its own counts from the next id.)
/// A look must therefore run before its transaction takes an id. Any transaction with an id on the same PostgreSQL
/// cluster, in any database, holds the mark back until it ends; that delays projections, never loses events.
/// </summary>
internal sealed class HighWaterMark
{
    private const string LastDrawn = "select coalesce(pg_sequence_last_value('mt_events_sequence'), 0)";

    private const string Snapshot = """
        select pg_snapshot_xmin(s)::text::bigint,
               pg_snapshot_xmax(s)::text::bigint + age(((pg_snapshot_xmax(s)::text::bigint % 4294967296)::text)::xid)
        from pg_current_snapshot() as s
        """;

    private const int MaxPending = 10_000;
    private readonly Queue<(long Seq, long NextXid)> _pending = new();
    private (long Seq, long NextXid) _newest;
    private long _mark;

    /// <summary>True while numbers above the mark have been drawn by transactions that may still be running.</summary>
    public bool Holding => _pending.Count > 0 && _newest.Seq > _mark;

    /// <summary>Takes a new checkpoint and returns the mark. Call first in a transaction (no id yet).</summary>
    public async Task<long> AdvanceAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var (lastDrawn, xmin, nextXid) = await LookAsync(conn, ct);
        // Checkpoints only grow; a full queue skips new ones until old ones resolve, which only coarsens the steps.
        if (_pending.Count < MaxPending && (_pending.Count == 0 || _newest != (lastDrawn, nextXid)))
            _pending.Enqueue(_newest = (lastDrawn, nextXid));
        while (_pending.TryPeek(out var c) && c.NextXid <= xmin)
        {
            _mark = Math.Max(_mark, c.Seq);
            _pending.Dequeue();
        }
        return _mark;
    }

    /// <summary>
    /// A checkpoint (last drawn, next id) and the current xmin. Two statements in one round trip, in this order:
    /// the sequence first, the next id after it.
    /// </summary>
    public static async Task<(long LastDrawn, long Xmin, long NextXid)> LookAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands = { new NpgsqlBatchCommand(LastDrawn), new NpgsqlBatchCommand(Snapshot) },
        };
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var lastDrawn = r.GetInt64(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        return (lastDrawn, r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>Waits until every transaction with an id below <paramref name="nextXid"/> has finished.</summary>
    public static async Task WaitForAsync(NpgsqlConnection conn, long nextXid, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint", conn);
        while ((long)(await cmd.ExecuteScalarAsync(ct))! < nextXid) await Task.Delay(20, ct);
    }

    /// <summary>Events after <paramref name="after"/> up to and including <paramref name="upTo"/>, in seq order.</summary>
    public static async Task<List<StoredEvent>> ReadAsync(NpgsqlConnection conn, EventTypeRegistry registry, long after,
        long upTo, int max, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select {EventRows.Columns} from mt_events e where e.seq_id > $1 and e.seq_id <= $2 order by e.seq_id limit $3", conn);
        cmd.Parameters.Add(new() { Value = after });
        cmd.Parameters.Add(new() { Value = upTo });
        cmd.Parameters.Add(new() { Value = max });
        return await EventRows.ReadAllAsync(cmd, registry, ct);
    }
}
