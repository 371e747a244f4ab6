using Npgsql;

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
        var options = new StoreOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString,
            DatabaseSchemaName = schema,
        };
        options.Events.Add<JarOpened>("jar_opened").Add<CoinsAdded>("coins_added").Add<CoinsTaken>("coins_taken")
            .Add<Poisoned>("poisoned").Add<PurseOpened>("purse_opened").Add<MessageDelivered>("message_delivered");
        options.Projections.Add(new CoinTotals(), ProjectionLifecycle.Inline);
        options.ExtraSchemaSql.Add(Outbox.SchemaSql);
        var store = await DocumentStore.CreateAsync(options);
        var registry = new HandlerRegistry().Discover(typeof(Jar).Assembly).NameMessages([(typeof(Deliver), "deliver_note")]);
        var bus = new CommandBus(store, registry, time);
        return new JarWorld(store, registry, bus, new OutboxWorker(bus, registry));
    }
}

public sealed record JarWorld(DocumentStore Store, HandlerRegistry Registry, CommandBus Bus, OutboxWorker Worker) : IAsyncDisposable
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
