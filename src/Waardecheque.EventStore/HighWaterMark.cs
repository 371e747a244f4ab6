using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// The highest seq_id below which the log can no longer change. Sequence numbers are drawn in one order and
/// committed in another, so "seq_id > last" alone would skip an event whose transaction commits late.
///
/// Writers take a transaction id before they draw (AppendWriter and BulkStreamStarter write mt_streams first). A look
/// reads, in this order, the sequence's last value M and then N, the next transaction id to be handed out. Every
/// transaction that drew a number up to M drew it before M was read, so it had its id before N was read: its id is
/// below N. Once no transaction with an id below N is running, every event up to M that will ever exist is visible.
/// Each look records such a checkpoint (M, N); the mark is the M of the newest one that has cleared. It costs
/// writers nothing.
///
/// "No transaction below N is running" is checked among the sessions of this database (pg_stat_activity), since only
/// they can write this log; when some session here is not visible to us (another role, no pg_read_all_stats) or a
/// prepared transaction exists, the whole cluster's snapshot xmin is used instead, which is always safe but also
/// waits for other databases.
///
/// (The snapshot cannot give N: its xmax is the last finished id + 1, and running transactions with higher ids are
/// not in it. N comes from age(), which in a transaction without an id of its own counts from the next id, and
/// pg_stat_activity is read once per transaction; so a look must be the first thing in a fresh transaction.)
/// </summary>
internal sealed class HighWaterMark
{
    private const string LastDrawn = "select coalesce(pg_sequence_last_value('mt_events_sequence'), 0)";

    // N = xmax + age(xmax): age() counts from the next id to be handed out while this transaction has none.
    private const string NextId = """
        select pg_snapshot_xmin(s)::text::bigint,
               pg_snapshot_xmax(s)::text::bigint + age(((pg_snapshot_xmax(s)::text::bigint % 4294967296)::text)::xid)
        from pg_current_snapshot() as s
        """;

    // Read after NextId: age() here counts from the same N, so N - age(x) is x as a full 64-bit id.
    private const string OldestHere = """
        select max(age(a.backend_xid)),
               coalesce(bool_or(a.backend_xid is null and not coalesce(pg_has_role(a.usesysid, 'USAGE'), false)), false)
                 and not pg_has_role('pg_read_all_stats', 'USAGE')
               or exists (select 1 from pg_prepared_xacts p where p.database = current_database())
        from pg_stat_activity a
        where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_type not like 'autovacuum%'
        """;

    private const int MaxPending = 10_000;
    private readonly Queue<(long Seq, long NextXid)> _pending = new();
    private (long Seq, long NextXid) _newest;
    private long _mark;

    /// <summary>True while numbers above the mark have been drawn by transactions that may still be running.</summary>
    public bool Holding => _pending.Count > 0 && _newest.Seq > _mark;

    /// <summary>Takes a new checkpoint and returns the mark. Call first in a fresh transaction (no id yet).</summary>
    public async Task<long> AdvanceAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var look = await LookAsync(conn, ct);
        // Checkpoints only grow; a full queue skips new ones until old ones resolve, which only coarsens the steps.
        if (_pending.Count < MaxPending && (_pending.Count == 0 || _newest != (look.LastDrawn, look.NextXid)))
            _pending.Enqueue(_newest = (look.LastDrawn, look.NextXid));
        while (_pending.TryPeek(out var c) && c.NextXid <= look.FinishedBelow)
        {
            _mark = Math.Max(_mark, c.Seq);
            _pending.Dequeue();
        }
        return _mark;
    }

    /// <summary>
    /// M, N, and the id below which every transaction that could write here has finished. Three statements in one
    /// round trip, in this order. Must be the first statements of a fresh transaction.
    /// </summary>
    public static async Task<(long LastDrawn, long NextXid, long FinishedBelow)> LookAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands = { new NpgsqlBatchCommand(LastDrawn), new NpgsqlBatchCommand(NextId), new NpgsqlBatchCommand(OldestHere) },
        };
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var lastDrawn = r.GetInt64(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var (xmin, next) = (r.GetInt64(0), r.GetInt64(1));
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var blind = r.GetBoolean(1);
        var oldestHere = r.IsDBNull(0) ? next : next - r.GetInt32(0);
        return (lastDrawn, next, blind ? xmin : oldestHere);
    }

    /// <summary>
    /// Waits until every transaction that could write here and had an id below <paramref name="nextXid"/> has
    /// finished. Outside any transaction: each look needs a fresh one.
    /// </summary>
    public static async Task WaitForAsync(NpgsqlConnection conn, long nextXid, CancellationToken ct)
    {
        while ((await LookAsync(conn, ct)).FinishedBelow < nextXid) await Task.Delay(20, ct);
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
