using Npgsql;
using Waardecheque.Testing;

namespace Waardecheque.EventStore.Tests;

/// <summary>
/// One database per test class (xunit makes one fixture per class), with a store that keeps the same totals
/// projection inline ("inline_totals") and async ("async_totals").
/// </summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public DocumentStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync("eventstore");
        Store = await DocumentStore.CreateAsync(Options(ConnectionString));
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    public static StoreOptions Options(string connectionString, string schema = "waardecheque")
    {
        var options = new StoreOptions { ConnectionString = connectionString, DatabaseSchemaName = schema };
        TestEvents.Register(options.Events);
        options.Projections.Add(new StreamTotals("inline_totals"), ProjectionLifecycle.Inline);
        options.Projections.Add(new StreamTotals("async_totals"), ProjectionLifecycle.Async);
        return options;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params object[] args)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A table's rows as sorted text, for comparing two read models.</summary>
    public async Task<List<string>> RowsAsync(string table, string columns = "stream_id, events, last_version, last_seq, balance_cents")
    {
        var rows = new List<string>();
        await using var cmd = Store.DataSource.CreateCommand($"select ({columns})::text from {table} order by 1");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }

    public async Task<Guid> OpenAccountAsync(long depositCents = 0)
    {
        var id = Guid.NewGuid();
        await using var session = Store.LightweightSession();
        session.Events.StartStream<Account>(id, depositCents == 0
            ? [new AccountOpened(id, "test")]
            : [new AccountOpened(id, "test"), new MoneyDeposited(id, depositCents)]);
        await session.SaveChangesAsync();
        return id;
    }
}
