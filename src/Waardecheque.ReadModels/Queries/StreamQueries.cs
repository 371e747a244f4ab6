using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>One stored event exactly as the log holds it: the body and headers as stored JSON, the hash as bytes.</summary>
public sealed record StoredEventRow(long Seq, long Version, string Type, DateTimeOffset Timestamp, string? Actor, string? CorrelationId,
    string? CausationId, string? HeadersJson, string DataJson, byte[] Hash);

public sealed record StreamRow(Guid Id, string? Type, long Version, byte[] HeadHash, IReadOnlyList<StoredEventRow> Events);

/// <summary>Reads of the event log itself (mt_streams, mt_events), for auditors and for idempotent replays.</summary>
public static class StreamQueries
{
    public static async Task<StreamRow?> StreamAsync(NpgsqlDataSource db, Guid streamId, CancellationToken ct = default)
    {
        string? type;
        long version;
        byte[] head;
        await using (var s = db.CreateCommand("select s.type, s.version, coalesce(h.hash, ''::bytea) from mt_streams s left join wc_stream_heads h on h.stream_id = s.id where s.id = $1"))
        {
            s.Parameters.Add(new NpgsqlParameter { Value = streamId });
            await using var r = await s.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            type = ChequeQueries.NullableString(r, 0);
            version = r.GetInt64(1);
            head = r.GetFieldValue<byte[]>(2);
        }
        await using var cmd = db.CreateCommand("""
            select e.seq_id, e.version, e.type, e.timestamp, e.user_name, e.correlation_id, e.causation_id, e.headers::text, e.data::text,
                   coalesce(h.hash, ''::bytea)
            from mt_events e left join wc_event_hashes h on h.seq_id = e.seq_id where e.stream_id = $1 order by e.version
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        var events = new List<StoredEventRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                events.Add(new StoredEventRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                    ChequeQueries.NullableString(r, 4), ChequeQueries.NullableString(r, 5), ChequeQueries.NullableString(r, 6),
                    ChequeQueries.NullableString(r, 7), r.GetString(8), r.GetFieldValue<byte[]>(9)));
        }
        return new StreamRow(streamId, type, version, head, events);
    }

    /// <summary>
    /// The highest version of <paramref name="streamId"/> that <paramref name="actor"/> appended with header
    /// <paramref name="header"/> = <paramref name="value"/>, or null. Uses the (stream_id, version) index, so it
    /// reads one stream, not the log.
    /// </summary>
    public static async Task<long?> LastVersionWithHeaderAsync(NpgsqlDataSource db, Guid streamId, string actor, string header,
        string value, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select max(version) from mt_events where stream_id = $1 and user_name = $2 and headers ->> $3 = $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = header });
        cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : null;
    }
}
