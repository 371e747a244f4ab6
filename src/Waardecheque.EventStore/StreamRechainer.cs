using System.Buffers;
using System.Text;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Recomputes the hash chains of whole streams from their stored bodies, inside the caller's transaction. Only for a
/// deliberate, documented redaction of stored bodies (a one-off migration that removes data that must not be kept);
/// normal writes never change a stored event. It locks the streams' rows first, in id order like every append, so no
/// append can chain onto a head that is about to change; an append that waited then finds the new head.
/// </summary>
internal static class StreamRechainer
{
    public static async Task RechainAsync(DocumentStore store, NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyCollection<Guid> streamIds, CancellationToken ct)
    {
        if (streamIds.Count == 0) return;
        var ids = streamIds.Distinct().ToArray();
        await using (var lockRows = new NpgsqlCommand("select id from mt_streams where id = any($1) order by id for update", conn, tx))
        {
            lockRows.Parameters.Add(new() { Value = ids });
            await lockRows.ExecuteNonQueryAsync(ct);
        }

        var seqs = new List<long>();
        var hashes = new List<byte[]>();
        var heads = new Dictionary<Guid, (long Version, byte[] Hash)>();
        var body = new ArrayBufferWriter<byte>(4096);
        await using (var read = new NpgsqlCommand(
            "select seq_id, stream_id, version, type, data from mt_events where stream_id = any($1) order by stream_id, version", conn, tx))
        {
            read.Parameters.Add(new() { Value = ids });
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var streamId = r.GetGuid(1);
                var version = r.GetInt64(2);
                var previous = heads.TryGetValue(streamId, out var head) ? head.Hash : EventHash.Genesis;
                body.ResetWrittenCount();
                // The same canonical form the verifier hashes: the body as PostgreSQL hands the jsonb back.
                CanonicalJson.Write(Encoding.UTF8.GetBytes(r.GetString(4)), body);
                var hash = EventHash.FromCanonicalBody(streamId, version, r.GetString(3), body.WrittenSpan, previous);
                seqs.Add(r.GetInt64(0));
                hashes.Add(hash);
                heads[streamId] = (version, hash);
            }
        }

        await using var write = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new("update mt_events e set hash = x.hash from unnest($1::bigint[], $2::bytea[]) as x(seq, hash) where e.seq_id = x.seq")
                {
                    Parameters = { new() { Value = seqs.ToArray() }, new() { Value = hashes.ToArray() } },
                },
                new("""
                    update mt_streams s set head_hash = x.hash
                    from unnest($1::uuid[], $2::bigint[], $3::bytea[]) as x(id, version, hash) where s.id = x.id and s.version = x.version
                    """)
                {
                    Parameters =
                    {
                        new() { Value = heads.Keys.ToArray() }, new() { Value = heads.Values.Select(h => h.Version).ToArray() },
                        new() { Value = heads.Values.Select(h => h.Hash).ToArray() },
                    },
                },
            },
        };
        await write.ExecuteNonQueryAsync(ct);
        // A head this process cached before is wrong now; correcting it saves the next append a failed round trip.
        foreach (var (id, head) in heads) store.Heads.Correct(id, head.Version, head.Hash);
    }
}
