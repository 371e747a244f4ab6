using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Waardecheque.EventStore;

/// <summary>
/// Writes a session's appends inside the caller's transaction. One statement moves the stream heads and inserts
/// the events; it draws their sequence numbers only when every existing stream was at its expected version with the
/// expected head hash, so a loser draws nothing and leaves no gap in seq_id. Before it, in the same round trip, new
/// streams are inserted and existing ones locked in id order (two sessions never deadlock).
/// When the head hash of every existing stream is known (<see cref="StreamHeads"/>, from a fetch or an earlier
/// commit) that is the whole write: one round trip. Otherwise a first round trip reads the heads.
/// </summary>
internal static class AppendWriter
{
    private const string InsertNewStreams = """
        insert into mt_streams (id, type, version, head_hash, timestamp, created)
        select x.id, x.type, x.version, x.head_hash, $5, $5 from unnest($1::uuid[], $2::text[], $3::bigint[], $4::bytea[]) as x(id, type, version, head_hash)
        """;

    private const string LockExisting =
        "select id, version, head_hash from mt_streams where id = any($1) order by id for update";

    // A session that does not wait for other writers (IEventSession.WaitForLockedStreams = false): rows another
    // transaction holds are skipped rather than waited for, and not with NOWAIT's error either, which would cut the
    // batch short (docs/event-store.md, "Npgsql 10.0.0 caveat"). A skipped stream is a clash.
    private const string LockExistingSkipLocked = LockExisting + " skip locked";

    // pg_current_xact_id() makes sure this transaction has an id before it draws (the daemon's high-water mark
    // relies on it); the row locks and inserts before it have given it one already, so it costs nothing.
    private const string MoveHeadsAndInsert = """
        with moved as (
            update mt_streams s set version = x.version, head_hash = x.head_hash, timestamp = $1
            from unnest($2::uuid[], $3::bigint[], $4::bytea[], $5::bigint[], $6::bytea[]) as x(id, expected, previous, version, head_hash)
            where s.id = x.id and s.version = x.expected and s.head_hash = x.previous
            returning s.id)
        insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, correlation_id, causation_id, headers, user_name, hash)
        select nextval('mt_events_sequence'), e.id, e.stream_id, e.version, e.data::jsonb, e.type, $1, $7, $8, $9::jsonb, $10, e.hash
        from unnest($11::uuid[], $12::uuid[], $13::bigint[], $14::text[], $15::text[], $16::bytea[]) as e(id, stream_id, version, data, type, hash)
        where pg_current_xact_id() is not null and (select count(*) from moved) = cardinality($2::uuid[])
        returning seq_id, stream_id, version
        """;

    // The same write, touching only rows this transaction holds (the batch's lock statement took them): an update that
    // met a row another transaction holds would wait for it. A stream it skips does not move, so nothing is inserted.
    private static readonly string MoveHeadsAndInsertSkipLocked = MoveHeadsAndInsert
        .Replace("with moved as (", "with mine as (select id from mt_streams where id = any($2::uuid[]) for update skip locked),\n    moved as (")
        .Replace("where s.id = x.id and ", "where s.id = x.id and s.id in (select id from mine) and ");

    /// <summary>
    /// Writes the streams; <paramref name="after"/> gets the events as they will be stored (sequence 0) and returns
    /// statements to send in the same round trip as the insert, after it. Without <paramref name="waitForLocks"/> a
    /// stream another transaction holds is a clash at once (<see cref="ConcurrencyException"/>), nothing waited for.
    /// </summary>
    public static async Task<IReadOnlyList<IEvent>> WriteAsync(NpgsqlConnection conn, DocumentStore store,
        IReadOnlyList<PendingStream> streams, AppendMetadata metadata,
        Func<IReadOnlyList<IEvent>, IReadOnlyList<CommitStatement>> after, bool waitForLocks, CancellationToken ct)
    {
        var registry = store.Options.Events;
        var now = Clock.UtcNowMicros();
        var fresh = streams.Where(s => s.IsNew).ToList();
        var existing = streams.Where(s => !s.IsNew).ToList();

        // New streams chain from the genesis hash; existing ones from a cached head when it is at the expected version.
        var chains = new Dictionary<Guid, Chain>();
        foreach (var s in fresh) chains[s.Id] = Chain.Build(s, 0, EventHash.Genesis, registry);
        foreach (var s in existing)
            if (s.ExpectedVersion is { } v && store.Heads.TryGet(s.Id, v, out var head)) chains[s.Id] = Chain.Build(s, v, head, registry);
        var oneTrip = existing.All(s => chains.ContainsKey(s.Id));

        var total = streams.Sum(s => s.Events.Count);
        var heads = new Dictionary<Guid, (long Version, byte[] Hash)>();
        List<(long Seq, Guid StreamId, long Version)>? inserted = null;
        IReadOnlyList<StoredEvent> unsequenced = [];
        IReadOnlyList<CommitStatement> tail = [];
        await using (var first = new NpgsqlBatch(conn))
        {
            if (fresh.Count > 0)
                first.BatchCommands.Add(Command(InsertNewStreams,
                    fresh.Select(s => s.Id).ToArray(), fresh.Select(s => s.AggregateType).ToArray(),
                    fresh.Select(s => (long)s.Events.Count).ToArray(), fresh.Select(s => chains[s.Id].Head).ToArray(), now));
            if (existing.Count > 0)
                first.BatchCommands.Add(Command(waitForLocks ? LockExisting : LockExistingSkipLocked, existing.Select(s => s.Id).ToArray()));
            if (oneTrip)
            {
                first.BatchCommands.Add(MoveAndInsert(streams, chains, metadata, now, registry, waitForLocks));
                (unsequenced, tail) = AddAfter(first, streams, chains, metadata, now, after);
            }

            await using var reader = await first.ExecuteReaderAsync(ct);
            if (existing.Count > 0)
            {
                while (await reader.ReadAsync(ct)) heads[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
                await reader.NextResultAsync(ct);
            }
            if (oneTrip)
            {
                inserted = await ReadInsertedAsync(reader, ct);
                await ReadTailAsync(reader, tail, lost: inserted.Count != total, ct);
            }
        }

        // Any stream not where the session expects it is a clash; checked before the second trip draws anything.
        foreach (var s in existing)
        {
            if (!heads.TryGetValue(s.Id, out var head))
                throw !waitForLocks ? new ConcurrencyException(s.Id, s.ExpectedVersion ?? 0, null)   // held by another writer
                    : s.ExpectedVersion is { } expected
                    ? new ConcurrencyException(s.Id, expected, 0)
                    : new InvalidOperationException($"Stream {s.Id} does not exist; start it with StartStream.");
            if (s.ExpectedVersion is { } v && v != head.Version) throw new ConcurrencyException(s.Id, v, head.Version);
            if (!chains.ContainsKey(s.Id)) chains[s.Id] = Chain.Build(s, head.Version, head.Hash, registry);
        }

        if (inserted is null)
        {
            await using var second = new NpgsqlBatch(conn) { BatchCommands = { MoveAndInsert(streams, chains, metadata, now, registry, waitForLocks) } };
            (unsequenced, tail) = AddAfter(second, streams, chains, metadata, now, after);
            await using var reader = await second.ExecuteReaderAsync(ct);
            inserted = await ReadInsertedAsync(reader, ct);
            await ReadTailAsync(reader, tail, lost: inserted.Count != total, ct);
        }
        if (inserted.Count != total)
        {
            // Versions matched but a head hash did not: the cached head was wrong for this stream. Forget it.
            var stale = existing.FirstOrDefault(s => heads.TryGetValue(s.Id, out var h) && !h.Hash.AsSpan().SequenceEqual(chains[s.Id].Previous));
            if (stale is not null) store.Heads.Correct(stale.Id, heads[stale.Id].Version, heads[stale.Id].Hash);
            throw new ConcurrencyException(stale?.Id ?? existing.FirstOrDefault()?.Id ?? Guid.Empty, stale?.ExpectedVersion ?? 0, null);
        }

        var sequence = inserted.ToDictionary(r => (r.StreamId, r.Version), r => r.Seq);
        var written = unsequenced.Select(e => (IEvent)(e with { Sequence = sequence[(e.StreamId, e.Version)] })).ToList();
        written.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        // Within a stream, later versions must carry later sequence numbers (projections read in seq order).
        foreach (var g in written.GroupBy(e => e.StreamId))
            if (!g.Select(e => e.Version).SequenceEqual(g.Select(e => e.Version).Order()))
                throw new InvalidOperationException($"Sequence numbers of stream {g.Key} were drawn out of version order.");
        return written;
    }

    /// <summary>Remembers the new heads once the transaction has committed.</summary>
    public static void RememberHeads(DocumentStore store, IReadOnlyList<IEvent> written)
    {
        foreach (var e in written) store.Heads.Remember(e.StreamId, e.Version, e.Hash);
    }

    /// <summary>
    /// Reads what the statements after the insert returned. When the insert wrote nothing (a clash) they ran on a
    /// write that did not happen and the session rolls back: the clash is the answer, not whatever they said.
    /// </summary>
    private static async Task ReadTailAsync(NpgsqlDataReader reader, IReadOnlyList<CommitStatement> tail, bool lost, CancellationToken ct)
    {
        try
        {
            await CommitStatement.ReadAsync(reader, tail, atFirst: false, ct);
        }
        catch (Exception e) when (lost && e is PostgresException or ConcurrencyException)
        {
            // Reported below as the clash it is.
        }
    }

    /// <summary>The events as they will be stored, but for their sequence numbers, and what the caller sends after them.</summary>
    private static (IReadOnlyList<StoredEvent>, IReadOnlyList<CommitStatement>) AddAfter(NpgsqlBatch batch,
        IReadOnlyList<PendingStream> streams, Dictionary<Guid, Chain> chains, AppendMetadata metadata, DateTimeOffset now,
        Func<IReadOnlyList<IEvent>, IReadOnlyList<CommitStatement>> after)
    {
        var events = new List<StoredEvent>(streams.Sum(s => s.Events.Count));
        foreach (var s in streams)
        {
            var chain = chains[s.Id];
            for (var k = 0; k < s.Events.Count; k++)
                events.Add(new StoredEvent(chain.Ids[k], 0, s.Id, chain.FirstVersion + k, s.Events[k], chain.Aliases[k], now,
                    metadata.CorrelationId, metadata.CausationId, metadata.UserName, metadata.Headers, chain.Hashes[k]));
        }
        var statements = after(events);
        foreach (var statement in statements) batch.BatchCommands.Add(statement.Command);
        return (events, statements);
    }

    private static NpgsqlBatchCommand MoveAndInsert(IReadOnlyList<PendingStream> streams, Dictionary<Guid, Chain> chains,
        AppendMetadata metadata, DateTimeOffset now, EventTypeRegistry registry, bool waitForLocks)
    {
        var existing = streams.Where(s => !s.IsNew).ToList();
        var all = streams.Select(s => (Stream: s, Chain: chains[s.Id])).ToList();
        return Command(waitForLocks ? MoveHeadsAndInsert : MoveHeadsAndInsertSkipLocked,
            now,
            existing.Select(s => s.Id).ToArray(),
            existing.Select(s => chains[s.Id].FirstVersion - 1).ToArray(),
            existing.Select(s => chains[s.Id].Previous).ToArray(),
            existing.Select(s => chains[s.Id].LastVersion).ToArray(),
            existing.Select(s => chains[s.Id].Head).ToArray(),
            (object?)metadata.CorrelationId ?? DBNull.Value,
            (object?)metadata.CausationId ?? DBNull.Value,
            (object?)HeaderValues.Serialize(metadata.Headers, registry.JsonOptions) ?? DBNull.Value,
            (object?)metadata.UserName ?? DBNull.Value,
            all.SelectMany(x => x.Chain.Ids).ToArray(),
            all.SelectMany(x => Enumerable.Repeat(x.Stream.Id, x.Chain.Ids.Length)).ToArray(),
            all.SelectMany(x => Enumerable.Range(0, x.Chain.Ids.Length).Select(k => x.Chain.FirstVersion + k)).ToArray(),
            all.SelectMany(x => x.Chain.Json).ToArray(),
            all.SelectMany(x => x.Chain.Aliases).ToArray(),
            all.SelectMany(x => x.Chain.Hashes).ToArray());
    }

    private static async Task<List<(long, Guid, long)>> ReadInsertedAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var rows = new List<(long, Guid, long)>();
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2)));
        return rows;
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

    /// <summary>One stream's new events: ids, JSON, aliases and the hash chain from a known head.</summary>
    private sealed record Chain(long FirstVersion, byte[] Previous, Guid[] Ids, string[] Json, string[] Aliases, byte[][] Hashes)
    {
        public long LastVersion => FirstVersion + Json.Length - 1;
        public byte[] Head => Hashes[^1];

        public static Chain Build(PendingStream s, long headVersion, byte[] headHash, EventTypeRegistry registry)
        {
            var n = s.Events.Count;
            var (ids, json, aliases, hashes) = (new Guid[n], new string[n], new string[n], new byte[n][]);
            var previous = headHash;
            for (var k = 0; k < n; k++)
            {
                var e = s.Events[k];
                var utf8 = JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), registry.JsonOptions);
                ids[k] = Guid.CreateVersion7();
                aliases[k] = registry.AliasFor(e.GetType());
                json[k] = Encoding.UTF8.GetString(utf8);
                hashes[k] = previous = EventHash.Compute(s.Id, headVersion + 1 + k, aliases[k], utf8, previous);
            }
            return new Chain(headVersion + 1, headHash, ids, json, aliases, hashes);
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
