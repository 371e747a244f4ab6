using Marten;
using Npgsql;
using Waardecheque.ReadModels;
using Weasel.Core;

namespace Waardecheque.Handlers.Tests.Pipeline;

/// <summary>One database per test class; each test opens its own schema in it, so no test sees another's rows.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestDatabase.CreateDatabaseAsync("pipeline");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// A Wolverine host over a fresh schema with the jar domain's handlers (an "app process"); call again with the same
    /// schema for a second one. Marten's tables, ours and Wolverine's envelope tables all live in that schema.
    /// </summary>
    public async Task<JarWorld> OpenAsync(string schema, TimeProvider? time = null, int maxPool = 30)
    {
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPool, Timeout = 60 }.ConnectionString;
        var dataSource = WaardechequeStore.DataSourceFor(connection, schema);
        var martenPool = WaardechequeStore.MartenDataSourceFor(connection, schema);
        var options = new StoreOptions();
        options.Connection(martenPool);
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
        var host = await CommandHost.StartAsync(options, dataSource, time ?? TimeProvider.System, async marten =>
        {
            await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await WaardechequeStore.ApplyOwnSchemaAsync(dataSource, schema, [CoinTotals.SchemaSql], default);
        }, [typeof(JarCommands)], followUpRetries: [.. Enumerable.Repeat(TimeSpan.FromMilliseconds(200), 3)]);
        return new JarWorld(new JarStore(host.Marten, dataSource, martenPool), host);
    }
}

/// <summary>Marten over the jar domain, with our pool (search_path = the test's schema) and the hash chain.</summary>
public sealed class JarStore(IDocumentStore marten, NpgsqlDataSource dataSource, NpgsqlDataSource martenPool) : IAsyncDisposable
{
    public IDocumentStore Marten => marten;
    public NpgsqlDataSource DataSource => dataSource;
    public IDocumentSession LightweightSession() => marten.LightweightSession();
    public Task<Waardecheque.ReadModels.Integrity.IntegrityReport> VerifyAsync() => Waardecheque.ReadModels.Integrity.IntegrityVerifier.VerifyAsync(dataSource);

    public async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await martenPool.DisposeAsync();   // the host disposes the store; Marten does not own a pool it was given
    }
}

public sealed record JarWorld(JarStore Store, CommandHost Bus) : IAsyncDisposable
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

    /// <summary>Envelopes of Wolverine's in this schema: waiting, scheduled, or not yet sent.</summary>
    public async Task<long> PendingEnvelopesAsync() =>
        await ScalarAsync<long>("select count(*) from wolverine_incoming_envelopes where status in ('Incoming', 'Scheduled')") +
        await ScalarAsync<long>("select count(*) from wolverine_outgoing_envelopes");

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.DisposeAsync();
        await Store.DisposeAsync();
    }
}
