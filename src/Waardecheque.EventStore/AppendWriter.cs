using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Waardecheque.EventStore;

/// <summary>
/// Writes a session's appends in two round trips inside the caller's transaction.
/// 1. Insert the new streams, lock the existing ones (in id order, so two sessions never deadlock) and draw sequence
///    numbers, the draw guarded in SQL by "every stream is at its expected version": a loser draws nothing, so losers
///    leave no gaps in seq_id.
/// 2. Move the stream heads and insert the events (hash chain computed here). The daemon is told after the commit.
/// </summary>
internal static class AppendWriter
{
    private const string LockExisting =
        "select id, version, head_hash from mt_streams where id = any($1) order by id for update";

    // pg_current_xact_id() makes sure this transaction has an id before it draws (the daemon's high-water mark
    // assumes that); the row locks above already gave it one, so this costs nothing.
    private const string Draw = """
        select nextval('mt_events_sequence') from generate_series(1, $1)
        where pg_current_xact_id() is not null
          and (select count(*) from unnest($2::uuid[], $3::bigint[]) as x(id, v)
               join mt_streams s on s.id = x.id and (x.v < 0 or s.version = x.v)) = cardinality($2::uuid[])
        """;

    private const string InsertNewStreams = """
        insert into mt_streams (id, type, version, head_hash, timestamp, created)
        select x.id, x.type, x.version, x.head_hash, $5, $5 from unnest($1::uuid[], $2::text[], $3::bigint[], $4::bytea[]) as x(id, type, version, head_hash)
        """;

    private const string MoveHeads = """
        update mt_streams s set version = x.version, head_hash = x.head_hash, timestamp = $4
        from unnest($1::uuid[], $2::bigint[], $3::bytea[]) as x(id, version, head_hash) where s.id = x.id
        """;

    private const string InsertEvents = """
        insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, correlation_id, causation_id, headers, user_name, hash)
        select x.seq_id, x.id, x.stream_id, x.version, x.data::jsonb, x.type, $8, $9, $10, $11::jsonb, $12, x.hash
        from unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::bytea[])
             as x(seq_id, id, stream_id, version, data, type, hash)
        """;

    public static async Task<IReadOnlyList<IEvent>> WriteAsync(NpgsqlConnection conn, DocumentStore store,
        IReadOnlyList<PendingStream> streams, AppendMetadata metadata, CancellationToken ct)
    {
        var registry = store.Options.Events;
        var now = Clock.UtcNowMicros();
        var total = streams.Sum(s => s.Events.Count);
        var fresh = streams.Where(s => s.IsNew).ToList();
        var existing = streams.Where(s => !s.IsNew).ToList();

        // New streams chain from the genesis hash, so their heads are known before anything is read.
        var chains = new Dictionary<Guid, Chain>();
        foreach (var s in fresh) chains[s.Id] = Chain.Build(s, 0, EventHash.Genesis, registry);

        await using var first = new NpgsqlBatch(conn);
        if (fresh.Count > 0)
            first.BatchCommands.Add(Command(InsertNewStreams,
                fresh.Select(s => s.Id).ToArray(),
                fresh.Select(s => s.AggregateType).ToArray(),
                fresh.Select(s => (long)s.Events.Count).ToArray(),
                fresh.Select(s => chains[s.Id].Head).ToArray(),
                now));
        if (existing.Count > 0)
            first.BatchCommands.Add(Command(LockExisting, existing.Select(s => s.Id).ToArray()));
        first.BatchCommands.Add(Command(Draw, total,
            existing.Select(s => s.Id).ToArray(),
            existing.Select(s => s.ExpectedVersion ?? -1).ToArray()));

        var heads = new Dictionary<Guid, (long Version, byte[] Hash)>();
        var sequence = new List<long>(total);
        await using (var reader = await first.ExecuteReaderAsync(ct))
        {
            if (existing.Count > 0)
            {
                while (await reader.ReadAsync(ct))
                    heads[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
                await reader.NextResultAsync(ct);
            }
            while (await reader.ReadAsync(ct)) sequence.Add(reader.GetInt64(0));
        }

        foreach (var s in existing)
        {
            if (!heads.TryGetValue(s.Id, out var head))
                throw s.ExpectedVersion is { } expected
                    ? new ConcurrencyException(s.Id, expected, 0)
                    : new InvalidOperationException($"Stream {s.Id} does not exist; start it with StartStream.");
            if (s.ExpectedVersion is { } v && v != head.Version) throw new ConcurrencyException(s.Id, v, head.Version);
            chains[s.Id] = Chain.Build(s, head.Version, head.Hash, registry);
        }
        if (sequence.Count != total)
            throw new InvalidOperationException($"Drew {sequence.Count} sequence numbers for {total} events.");
        sequence.Sort();

        var written = new List<IEvent>(total);
        var i = 0;
        foreach (var s in streams)
        {
            var chain = chains[s.Id];
            for (var k = 0; k < s.Events.Count; k++, i++)
                written.Add(new StoredEvent(Guid.CreateVersion7(now), sequence[i], s.Id, chain.FirstVersion + k, s.Events[k],
                    chain.Aliases[k], now, metadata.CorrelationId, metadata.CausationId, metadata.UserName,
                    metadata.Headers, chain.Hashes[k]));
        }

        await using var second = new NpgsqlBatch(conn);
        // Heads first: a running inline rebuild holds a SHARE lock on mt_streams, and this waits for it before any
        // event row exists (see ProjectionRebuilder).
        if (existing.Count > 0)
            second.BatchCommands.Add(Command(MoveHeads,
                existing.Select(s => s.Id).ToArray(),
                existing.Select(s => chains[s.Id].LastVersion).ToArray(),
                existing.Select(s => chains[s.Id].Head).ToArray(),
                now));
        second.BatchCommands.Add(Command(InsertEvents,
            written.Select(e => e.Sequence).ToArray(),
            written.Select(e => e.Id).ToArray(),
            written.Select(e => e.StreamId).ToArray(),
            written.Select(e => e.Version).ToArray(),
            streams.SelectMany(s => chains[s.Id].Json).ToArray(),
            written.Select(e => e.EventTypeName).ToArray(),
            written.Select(e => e.Hash).ToArray(),
            now,
            (object?)metadata.CorrelationId ?? DBNull.Value,
            (object?)metadata.CausationId ?? DBNull.Value,
            (object?)HeaderValues.Serialize(metadata.Headers, registry.JsonOptions) ?? DBNull.Value,
            (object?)metadata.UserName ?? DBNull.Value));
        await second.ExecuteNonQueryAsync(ct);
        return written;
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] args)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var arg in args)
            cmd.Parameters.Add(arg switch
            {
                // text[] with nulls needs its type spelled out; Npgsql cannot infer it from string?[].
                string?[] texts => new NpgsqlParameter { Value = texts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                _ => new NpgsqlParameter { Value = arg ?? DBNull.Value },
            });
        return cmd;
    }

    /// <summary>One stream's new events: their JSON, aliases and hash chain from a known head.</summary>
    private sealed record Chain(long FirstVersion, string[] Json, string[] Aliases, byte[][] Hashes)
    {
        public long LastVersion => FirstVersion + Json.Length - 1;
        public byte[] Head => Hashes[^1];

        public static Chain Build(PendingStream s, long headVersion, byte[] headHash, EventTypeRegistry registry)
        {
            var n = s.Events.Count;
            var (json, aliases, hashes) = (new string[n], new string[n], new byte[n][]);
            var previous = headHash;
            for (var k = 0; k < n; k++)
            {
                var e = s.Events[k];
                var utf8 = JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), registry.JsonOptions);
                aliases[k] = registry.AliasFor(e.GetType());
                json[k] = Encoding.UTF8.GetString(utf8);
                hashes[k] = previous = EventHash.Compute(s.Id, headVersion + 1 + k, aliases[k], utf8, previous);
            }
            return new Chain(headVersion + 1, json, aliases, hashes);
        }
    }
}

internal static class Clock
{
    /// <summary>Now, cut to PostgreSQL's microsecond precision so an event reads back exactly as it was handed out.</summary>
    public static DateTimeOffset UtcNowMicros()
    {
        var ticks = DateTimeOffset.UtcNow.UtcTicks;
        return new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
    }
}
