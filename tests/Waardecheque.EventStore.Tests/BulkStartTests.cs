using Npgsql;

namespace Waardecheque.EventStore.Tests;

public sealed class BulkStartTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task twenty_thousand_streams_start_in_one_call_and_the_log_verifies()
    {
        // A schema of its own: the counts below are of the whole log.
        await using var store = await DocumentStore.CreateAsync(StoreFixture.Options(db.ConnectionString, "bulk"));
        async Task<long> Count(string sql)
        {
            await using var cmd = store.DataSource.CreateCommand(sql);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        var streams = Enumerable.Range(0, 20_000)
            .Select(i => { var id = Guid.NewGuid(); return (id, (object)new AccountOpened(id, $"household {i}")); })
            .ToList();
        var extraRan = false;

        await store.BulkStartStreamsAsync<Account>(streams, "staff:issuer", async (conn, tx, ct) =>
        {
            // The extra work sees the events inside the same transaction.
            await using var cmd = new NpgsqlCommand("select count(*) from mt_events", conn, tx);
            Assert.Equal(20_000L, (long)(await cmd.ExecuteScalarAsync(ct))!);
            extraRan = true;
        });

        Assert.True(extraRan);
        Assert.Equal(20_000L, await Count("select count(*) from mt_streams where version = 1 and type = 'Account'"));
        Assert.Equal(20_000L, await Count("select count(*) from inline_totals where events = 1 and last_version = 1"));
        Assert.Equal(20_000L, await Count("select count(distinct seq_id) from mt_events where user_name = 'staff:issuer'"));
        var report = await store.VerifyAsync();
        Assert.True(report.Valid);
        Assert.Equal(20_000, report.Events);
        Assert.Equal(20_000, report.Streams);

        await store.CreateDaemon().CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(20_000L, await Count("select count(*) from async_totals a join inline_totals i using (stream_id, events, last_seq)"));

        var (someId, _) = streams[12_345];
        await using var session = store.LightweightSession();
        var account = await session.Events.FetchForWriting<Account>(someId);
        Assert.Equal(new Account(someId, "household 12345", 0, 1), account.Aggregate);
        account.AppendOne(new MoneyDeposited(someId, 10));
        await session.SaveChangesAsync();
        Assert.True((await store.VerifyAsync()).Valid);
    }

    [Fact]
    public async Task a_bulk_start_that_meets_an_existing_stream_writes_nothing()
    {
        var existing = await db.OpenAccountAsync();
        var events = await db.ScalarAsync<long>("select count(*) from mt_events");
        var fresh = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => db.Store.BulkStartStreamsAsync<Account>(
            [(fresh, new AccountOpened(fresh, "new")), (existing, new AccountOpened(existing, "again"))], null, null));

        Assert.Equal(existing, error.StreamId);
        Assert.Equal(events, await db.ScalarAsync<long>("select count(*) from mt_events"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from mt_streams where id = $1", fresh));
    }

    [Fact]
    public async Task a_bulk_start_with_an_unregistered_event_type_is_refused_before_writing()
    {
        var id = Guid.NewGuid();
        await Assert.ThrowsAsync<UnknownEventTypeException>(() =>
            db.Store.BulkStartStreamsAsync<Account>([(id, new NotRegistered(id))], null, null));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from mt_streams where id = $1", id));
    }
}
