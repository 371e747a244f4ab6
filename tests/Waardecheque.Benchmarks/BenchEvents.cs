using JasperFx.Events;
using Marten;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Integrity;
using Weasel.Core;

namespace Waardecheque.Benchmarks;

/// <summary>Event-sized bodies for the store benchmarks (about the size of a pledge or a cheque issue).</summary>
public sealed record PurseOpened(Guid PurseId, Guid HouseholdId, string ProgramCode, long BudgetCents);
public sealed record PurseCharged(Guid PurseId, Guid IdeaId, long AmountCents);

public sealed record Purse(Guid Id, long BalanceCents, long Version)
{
    public static Purse Create(PurseOpened e) => new(e.PurseId, e.BudgetCents, 1);
    public Purse Apply(PurseCharged e) => this with { BalanceCents = BalanceCents - e.AmountCents };
}

/// <summary>Marten over the benchmark's purse events, with our pool and the hash chain (as the app has).</summary>
public sealed class BenchEventStore(DocumentStore marten, NpgsqlDataSource dataSource, NpgsqlDataSource martenPool) : IAsyncDisposable
{
    public DocumentStore Marten => marten;
    public NpgsqlDataSource DataSource => dataSource;
    public IDocumentSession LightweightSession() => marten.LightweightSession();
    public Task<IntegrityReport> VerifyAsync() => IntegrityVerifier.VerifyAsync(dataSource);

    /// <summary>Single-event streams through Marten's bulk append (binary COPY), as bulk issuing does.</summary>
    public Task BulkStartStreamsAsync<T>(IReadOnlyList<(Guid Id, object Event)> streams, string actor) where T : class =>
        marten.BulkInsertEventsAsync(streams.Select(s =>
        {
            var action = StreamAction.Start((IEventRegistry)marten.Options.Events, s.Id, s.Event);
            action.AggregateType = typeof(T);
            foreach (var e in action.Events) e.UserName = actor;
            return action;
        }).ToList(), streams.Count);

    /// <summary>Reads and deserialises the whole log through Marten in pages: the store's own share of any rebuild.</summary>
    public async Task<long> ReplayAsync(int pageSize = 10_000)
    {
        long after = 0, read = 0;
        await using var session = marten.QuerySession();
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(pageSize).ToListAsync();
            if (page.Count == 0) return read;
            read += page.Count;
            after = page[^1].Sequence;
        }
    }

    public async ValueTask DisposeAsync()
    {
        marten.Dispose();
        await dataSource.DisposeAsync();
        await martenPool.DisposeAsync();
    }
}

public static class BenchStore
{
    /// <summary>A store in a schema of its own, emptied first so a reused cluster starts clean.</summary>
    public static async Task<BenchEventStore> CreateAsync(BenchCluster cluster, string schema, Action<StoreOptions>? configure = null)
    {
        await using (var conn = new NpgsqlConnection(cluster.ConnectionString))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", conn);
            await drop.ExecuteNonQueryAsync();
        }
        var dataSource = WaardechequeStore.DataSourceFor(cluster.ConnectionString, schema);
        var martenPool = WaardechequeStore.MartenDataSourceFor(cluster.ConnectionString, schema);
        var options = new StoreOptions();
        options.Connection(martenPool);
        options.DatabaseSchemaName = schema;
        options.Events.AppendMode = EventAppendMode.Quick;
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Listeners.Add(new ActorStamp());
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json => MessageJson.Configure(json));
        options.Events.MapEventType<PurseOpened>("purse_opened");
        options.Events.MapEventType<PurseCharged>("purse_charged");
        configure?.Invoke(options);
        var marten = new DocumentStore(options);
        await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await WaardechequeStore.ApplyOwnSchemaAsync(dataSource, schema, [], default);
        return new BenchEventStore(marten, dataSource, martenPool);
    }

    public static List<(Guid, object)> NewPurses(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => { var id = Guid.NewGuid(); return (id, (object)new PurseOpened(id, Guid.NewGuid(), "GM0363-2025", 5_000)); })];

    /// <summary>A table shaped like mt_events (same columns and indexes) for the baselines.</summary>
    public const string EventShapedTable = """
        create table if not exists baseline_events (
            seq_id bigint primary key default nextval('baseline_seq'),
            id uuid not null, stream_id uuid not null, version bigint not null, data jsonb not null, type text not null,
            timestamp timestamptz not null, correlation_id text, causation_id text, headers jsonb, user_name text,
            hash bytea not null,
            unique (stream_id, version))
        """;

    public const string SampleBody = """{"purseId":"0b6a3c1e-3f0e-4c55-9a55-2f7a1b6c9d10","ideaId":"5d1f7c2a-8e43-4b1a-b0c1-9a7e6d5c4b3a","amountCents":500}""";

    public static async Task ExecuteAsync(BenchCluster cluster, string sql)
    {
        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
