using Npgsql;
using Waardecheque.ReadModels;

namespace Waardecheque.Messaging.Tests.Domain;

/// <summary>One database per test class, in which each test sets up its own program.</summary>
public sealed class DomainFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestDatabase.CreateDatabaseAsync("domain");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// One "app process": its own Marten store and pool, bus and outbox worker, composed exactly as
    /// the web host composes them. Two of these on one database behave like two processes behind a load balancer.
    /// </summary>
    public async Task<DomainApp> StartAppAsync(TimeProvider clock, int maxPool = 40, Action<Marten.StoreOptions>? configure = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString;
        var store = await WaardechequeStore.CreateAsync(connection, Neighbourhood.CodeKey, configure: configure);
        var registry = WaardechequeStore.Handlers();
        var bus = store.Bus(registry, clock);
        return new DomainApp(store, bus, new OutboxWorker(bus, registry), clock);
    }
}

public sealed record DomainApp(WaardechequeStore Store, CommandBus Bus, OutboxWorker Worker, TimeProvider Clock) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
