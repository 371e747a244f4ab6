using Npgsql;
using Waardecheque.Testing;

namespace Waardecheque.EventStore.Tests;

public sealed class SchemaTests
{
    [Fact]
    public async Task two_processes_creating_the_store_at_once_on_a_fresh_database_both_succeed()
    {
        var cs = await TestDatabase.CreateDatabaseAsync("schemarace");
        StoreOptions Options()
        {
            var o = StoreFixture.Options(cs, "raced");
            o.ExtraSchemaSql.Add("create table if not exists outbox (id bigserial primary key, body text not null)");
            return o;
        }

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DocumentStore.CreateAsync(Options()))));

        foreach (var store in stores)
        {
            Assert.True(await store.IsSchemaCurrentAsync());
            await store.DisposeAsync();
        }
        await using var again = await DocumentStore.CreateAsync(Options());
        Assert.True(await again.IsSchemaCurrentAsync());
        await using var cmd = again.DataSource.CreateCommand(
            "select count(*) from information_schema.tables where table_schema = 'raced'");
        // mt_streams, mt_events, mt_event_progression, mt_schema_version, outbox and the two projections' tables.
        Assert.Equal(7L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task the_schema_is_not_current_when_its_tables_are_missing_and_an_unreachable_database_fails_start_up()
    {
        var cs = await TestDatabase.CreateDatabaseAsync("schemamissing");
        await using var store = await DocumentStore.CreateAsync(StoreFixture.Options(cs, "present"));
        await using (var drop = store.DataSource.CreateCommand("drop table mt_schema_version"))
            await drop.ExecuteNonQueryAsync();
        Assert.False(await store.IsSchemaCurrentAsync());

        var unreachable = new NpgsqlConnectionStringBuilder(cs) { Port = 1, Timeout = 2 }.ConnectionString;
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => DocumentStore.CreateAsync(StoreFixture.Options(unreachable)));
    }

    [Fact]
    public async Task a_schema_name_that_is_not_a_plain_identifier_is_refused()
    {
        var options = StoreFixture.Options("Host=unused", "x\"; drop table y; --");
        await Assert.ThrowsAsync<ArgumentException>(() => DocumentStore.CreateAsync(options));
    }
}
