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
    /// One "app process": its own DocumentStore (pool, stream-head cache), bus and outbox worker, composed exactly as
    /// the web host composes them. Two of these on one database behave like two processes behind a load balancer.
    /// </summary>
    public async Task<DomainApp> StartAppAsync(TimeProvider clock, int maxPool = 40, Action<StoreOptions>? configure = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString;
        var options = WaardechequeStore.Options(connection, Neighbourhood.CodeKey);
        configure?.Invoke(options);
        var store = await DocumentStore.CreateAsync(options);
        var registry = WaardechequeStore.Handlers();
        var bus = new CommandBus(store, registry, clock);
        return new DomainApp(store, bus, new OutboxWorker(bus, registry), clock);
    }
}

public sealed record DomainApp(DocumentStore Store, CommandBus Bus, OutboxWorker Worker, TimeProvider Clock) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
