using Marten;
using Npgsql;
using Waardecheque.ReadModels;
using Weasel.Core;

namespace Waardecheque.Messaging.Tests.Pipeline;

/// <summary>One database per test class; each test opens its own schema in it, so no test sees another's rows.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestDatabase.CreateDatabaseAsync("pipeline");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A store, bus and outbox worker over a fresh schema (an "app process"); call again with the same schema for a second one.</summary>
    public async Task<JarWorld> OpenAsync(string schema, TimeProvider? time = null, int maxPool = 30)
    {
        var dataSource = WaardechequeStore.DataSourceFor(
            new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString, schema);
        var options = new StoreOptions();
        options.Connection(WaardechequeStore.MartenDataSourceFor(
            new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString, schema));
        options.DatabaseSchemaName = schema;
        options.Events.AppendMode = JasperFx.Events.EventAppendMode.Quick;
        options.Events.UseExclusiveLockOnConcurrentAppends = true;
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;   // EnableAll leaves user_name out in Marten 9.62
        options.Listeners.Add(new ActorStamp());
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json => MessageJson.Configure(json));
        options.Events.MapEventType<JarOpened>("jar_opened");
        options.Events.MapEventType<CoinsAdded>("coins_added");
        options.Events.MapEventType<CoinsTaken>("coins_taken");
        options.Events.MapEventType<Poisoned>("poisoned");
        options.Events.MapEventType<PurseOpened>("purse_opened");
        options.Events.MapEventType<MessageDelivered>("message_delivered");
        options.Projections.Add(new CoinTotals(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        var marten = new DocumentStore(options);
        await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await WaardechequeStore.ApplyOwnSchemaAsync(dataSource, schema, [Outbox.SchemaSql, CoinTotals.SchemaSql], default);
        var store = new JarStore(marten, dataSource);
        var registry = new HandlerRegistry().Discover(typeof(Jar).Assembly).NameMessages([(typeof(Deliver), "deliver_note")]);
        var bus = new CommandBus(marten, dataSource, registry, time);
        return new JarWorld(store, registry, bus, new OutboxWorker(bus, registry));
    }
}

/// <summary>Marten over the jar domain, with our pool (search_path = the test's schema) and the hash chain.</summary>
public sealed class JarStore(DocumentStore marten, NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public DocumentStore Marten => marten;
    public NpgsqlDataSource DataSource => dataSource;
    public IDocumentSession LightweightSession() => marten.LightweightSession();
    public Task<Waardecheque.ReadModels.Integrity.IntegrityReport> VerifyAsync() => Waardecheque.ReadModels.Integrity.IntegrityVerifier.VerifyAsync(dataSource);

    public async ValueTask DisposeAsync()
    {
        marten.Dispose();
        await dataSource.DisposeAsync();
    }
}

public sealed record JarWorld(JarStore Store, HandlerRegistry Registry, CommandBus Bus, OutboxWorker Worker) : IAsyncDisposable
{
    public static readonly MessageContext Staff = new("staff:test", "corr-test");

    public async Task<Guid> OpenJarAsync(long cents = 0)
    {
        var id = Guid.CreateVersion7();
        await Bus.InvokeAsync(new OpenJar(id, "Fatima"), Staff);
        if (cents > 0) await Bus.InvokeAsync(new AddCoins(id, cents), Staff);
        return id;
    }

    public async Task<Guid> OpenPurseAsync()
    {
        var id = Guid.CreateVersion7();
        await Bus.InvokeAsync(new OpenPurse(id), Staff);
        return id;
    }

    public async Task<T?> LoadAsync<T>(Guid id) where T : class
    {
        await using var session = Store.LightweightSession();
        return await session.Events.FetchLatest<T>(id);
    }

    public async Task<IReadOnlyList<IEvent>> StreamAsync(Guid id)
    {
        await using var session = Store.LightweightSession();
        return await session.Events.FetchStreamAsync(id);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<int> ExecuteAsync(string sql, params object[] args)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Delivers until nothing is due; returns how many rows were handled.</summary>
    public async Task<int> DrainAsync(OutboxWorker? worker = null)
    {
        var total = 0;
        for (int n; (n = await (worker ?? Worker).DeliverDueAsync()) > 0;) total += n;
        return total;
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
