namespace Waardecheque.EventStore.Tests;

/// <summary>
/// A store keeps its last fold of each stream and reads only newer events; these tests show it never serves a stale
/// state, also when another process (another store on the same database) appended in between.
/// </summary>
public sealed class AggregateCacheTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task a_second_fetch_sees_what_another_process_appended_after_the_first()
    {
        var id = await db.OpenAccountAsync(depositCents: 100);
        await using var otherProcess = await DocumentStore.CreateAsync(StoreFixture.Options(db.ConnectionString));

        await using (var first = db.Store.LightweightSession())
            Assert.Equal(100, (await first.Events.FetchForWriting<Account>(id)).Aggregate!.BalanceCents);

        await using (var other = otherProcess.LightweightSession())
        {
            var stream = await other.Events.FetchForWriting<Account>(id);
            stream.AppendMany([new MoneyDeposited(id, 25), new MoneyWithdrawn(id, 5)]);
            await other.SaveChangesAsync();
        }

        await using var again = db.Store.LightweightSession();
        var fetched = await again.Events.FetchForWriting<Account>(id);
        Assert.Equal(new Account(id, "test", 120, 4), fetched.Aggregate);
        Assert.Equal(4, fetched.StartingVersion);
    }

    [Fact]
    public async Task appending_on_top_of_a_cached_fold_still_checks_the_version()
    {
        var id = await db.OpenAccountAsync(depositCents: 10);
        await using var stale = db.Store.LightweightSession();
        var staleStream = await stale.Events.FetchForWriting<Account>(id);

        await using (var winner = db.Store.LightweightSession())
        {
            (await winner.Events.FetchForWriting<Account>(id)).AppendOne(new MoneyDeposited(id, 1));
            await winner.SaveChangesAsync();
        }

        staleStream.AppendOne(new MoneyWithdrawn(id, 10));
        await Assert.ThrowsAsync<ConcurrencyException>(() => stale.SaveChangesAsync());
        Assert.Equal(11, (await db.Store.LightweightSession().Events.FetchLatest<Account>(id))!.BalanceCents);
    }

    [Fact]
    public void only_immutable_aggregates_are_cached()
    {
        Assert.True(AggregateFolder<Account>.IsImmutable);
        Assert.False(AggregateFolder<AggregationTests.MutableTally>.IsImmutable);
    }
}
