using System.Data;
using System.Text;
using Npgsql;

namespace Waardecheque.ReadModels.Integrity;

/// <summary>
/// Walks Marten's whole log in seq order, in keyset pages inside one repeatable-read snapshot (so appends running
/// meanwhile neither break nor tear the check), recomputing every hash in C# from the stored body and the STORED
/// previous hash: an edited event is reported at its own seq_id, a forged hash at the next link. Then compares each
/// stream head with its last event.
/// </summary>
public static class IntegrityVerifier
{
    private const int PageSize = 20_000;

    private readonly record struct Head(long Version, byte[] Hash, long Seq);

    /// <param name="db">A pool whose search_path is the store's schema.</param>
    public static async Task<IntegrityReport> VerifyAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("set transaction read only", conn)) await readOnly.ExecuteNonQueryAsync(ct);

        var heads = new Dictionary<Guid, Head>();
        long events = 0, last = 0;
        long? broken = null;
        void Broken(long seq) => broken = broken is null ? seq : Math.Min(broken.Value, seq);

        await using var page = new NpgsqlCommand("""
            select e.seq_id, e.stream_id, e.version, e.type, e.data::text, h.hash
            from mt_events e left join wc_event_hashes h on h.seq_id = e.seq_id
            where e.seq_id > $1 order by e.seq_id limit $2
            """, conn);
        var after = new NpgsqlParameter<long> { TypedValue = 0 };
        page.Parameters.Add(after);
        page.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PageSize });
        while (true)
        {
            after.TypedValue = last;
            var rows = 0;
            await using (var r = await page.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    rows++;
                    var seq = r.GetInt64(0);
                    var streamId = r.GetGuid(1);
                    var version = r.GetInt64(2);
                    var stored = r.IsDBNull(5) ? null : r.GetFieldValue<byte[]>(5);
                    var previous = heads.TryGetValue(streamId, out var head) ? head : new Head(0, EventHash.Genesis, 0);

                    var expected = EventHash.FromCanonicalBody(streamId, version, r.GetString(3), Encoding.UTF8.GetBytes(r.GetString(4)),
                        previous.Hash);
                    // Chaining on the stored previous hash pins a rewrite to the event that was rewritten.
                    if (stored is null || version != previous.Version + 1 || !expected.AsSpan().SequenceEqual(stored)) Broken(seq);

                    heads[streamId] = new Head(version, stored ?? expected, seq);
                    events++;
                    last = seq;
                }
            }
            if (rows < PageSize) break;
        }

        // Every head must be its stream's last event, and every stream with events must have a head.
        var missingEvents = false;
        var seen = new HashSet<Guid>();
        await using (var streams = new NpgsqlCommand("""
            select coalesce(h.stream_id, s.id), coalesce(h.version, s.version), h.hash
            from wc_stream_heads h full join mt_streams s on s.id = h.stream_id
            where coalesce(h.version, s.version) > 0   -- Marten may leave a stream row at version 0 with no events: nothing to check
            """, conn))
        await using (var r = await streams.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var id = r.GetGuid(0);
                if (!heads.TryGetValue(id, out var head)) { missingEvents = true; continue; }
                seen.Add(id);
                if (r.IsDBNull(2) || head.Version != r.GetInt64(1) || !head.Hash.AsSpan().SequenceEqual(r.GetFieldValue<byte[]>(2)))
                    Broken(head.Seq);
            }
        }
        foreach (var (id, head) in heads) if (!seen.Contains(id)) Broken(head.Seq);
        await tx.CommitAsync(ct);

        var checkpoint = new Checkpoint(last, EventHash.Checkpoint(heads.Select(h => (h.Key, h.Value.Version, h.Value.Hash))),
            DateTimeOffset.UtcNow);
        return new IntegrityReport(events, heads.Count, broken is null && !missingEvents, broken, checkpoint);
    }
}
