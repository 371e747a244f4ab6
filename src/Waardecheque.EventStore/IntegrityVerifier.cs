using System.Buffers;
using System.Data;
using System.Text;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Walks the whole log in seq order, in keyset pages inside one repeatable-read snapshot (so concurrent appends
/// neither break nor tear the check), recomputing every hash from the stored body and the stored previous hash.
/// </summary>
internal static class IntegrityVerifier
{
    private const int PageSize = 20_000;

    private readonly record struct Head(long Version, byte[] Hash, long Seq);

    public static async Task<IntegrityReport> VerifyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("set transaction read only", conn)) await readOnly.ExecuteNonQueryAsync(ct);

        var heads = new Dictionary<Guid, Head>();
        var body = new ArrayBufferWriter<byte>(4096);
        long events = 0, last = 0;
        long? broken = null;
        void Broken(long seq) => broken = broken is null ? seq : Math.Min(broken.Value, seq);

        await using var page = new NpgsqlCommand(
            "select seq_id, stream_id, version, type, data, hash from mt_events where seq_id > $1 order by seq_id limit $2", conn);
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
                    var stored = r.GetFieldValue<byte[]>(5);
                    var previous = heads.TryGetValue(streamId, out var head) ? head : new Head(0, EventHash.Genesis, 0);

                    body.ResetWrittenCount();
                    CanonicalJson.Write(Encoding.UTF8.GetBytes(r.GetString(4)), body);
                    var expected = EventHash.FromCanonicalBody(streamId, version, r.GetString(3), body.WrittenSpan, previous.Hash);
                    // Chaining on the stored previous hash pins a rewrite to the event that was rewritten.
                    if (version != previous.Version + 1 || !expected.AsSpan().SequenceEqual(stored)) Broken(seq);

                    heads[streamId] = new Head(version, stored, seq);
                    events++;
                    last = seq;
                }
            }
            if (rows < PageSize) break;
        }

        var missingEvents = false;
        var seen = 0;
        await using (var streams = new NpgsqlCommand("select id, version, head_hash from mt_streams", conn))
        await using (var r = await streams.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var id = r.GetGuid(0);
                if (!heads.TryGetValue(id, out var head)) { missingEvents = true; continue; }
                seen++;
                if (head.Version != r.GetInt64(1) || !head.Hash.AsSpan().SequenceEqual(r.GetFieldValue<byte[]>(2))) Broken(head.Seq);
            }
        }
        // Events of a stream that has no mt_streams row.
        if (seen != heads.Count)
        {
            var known = new HashSet<Guid>();
            await using var ids = new NpgsqlCommand("select id from mt_streams", conn);
            await using var r = await ids.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) known.Add(r.GetGuid(0));
            foreach (var (id, head) in heads) if (!known.Contains(id)) Broken(head.Seq);
        }
        await tx.CommitAsync(ct);

        var checkpoint = new Checkpoint(last, EventHash.Checkpoint(heads.Select(h => (h.Key, h.Value.Version, h.Value.Hash))),
            DateTimeOffset.UtcNow);
        return new IntegrityReport(events, heads.Count, broken is null && !missingEvents, broken, checkpoint);
    }
}
