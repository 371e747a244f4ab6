using Npgsql;
using Waardecheque.ReadModels;

namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>One database per test class, in which each test sets up its own program.</summary>
public sealed class DomainFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestDatabase.CreateDatabaseAsync("domain");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// One "app process": a Wolverine host with Marten over the app's store options, our handlers and policies
    /// (<see cref="CommandHost"/>), with the store's schema applied before Wolverine starts, as the web host does it.
    /// Two of these on one database behave like two processes behind a load balancer.
    /// </summary>
    public async Task<DomainApp> StartAppAsync(TimeProvider clock, int maxPool = 40, Action<Marten.StoreOptions>? configure = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString;
        const string schema = "waardecheque";
        var lookup = new Waardecheque.Domain.Cheques.CodeLookup(Neighbourhood.CodeKey);
        var readModels = WaardechequeStore.ReadModelsFor(lookup);
        var martenPool = WaardechequeStore.MartenDataSourceFor(connection, schema);
        var options = WaardechequeStore.Options(martenPool, schema, readModels);
        configure?.Invoke(options);
        WaardechequeStore? store = null;
        var host = await CommandHost.StartAsync(options, martenPool, clock, async marten =>
            store = await WaardechequeStore.AttachAsync(marten, connection, WaardechequeStore.DataSourceFor(connection, schema), schema,
                lookup, readModels));
        return new DomainApp(store!, host, martenPool, clock);
    }
}

/// <summary>An app process: its store (for assertions and bulk issuing) and its Wolverine host (<see cref="Bus"/>).</summary>
public sealed record DomainApp(WaardechequeStore Store, CommandHost Bus, NpgsqlDataSource MartenPool, TimeProvider Clock) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Bus.DisposeAsync();
        await Store.DisposeAsync();
        await MartenPool.DisposeAsync();
    }
}
