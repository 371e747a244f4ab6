namespace Waardecheque.EventStore.Tests;

public sealed class AppendConcurrencyTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private DocumentStore Store => db.Store;

    [Fact]
    public async Task two_sessions_racing_on_one_stream_exactly_one_wins()
    {
        var id = await db.OpenAccountAsync();
        await using var first = Store.LightweightSession();
        await using var second = Store.LightweightSession();
        var a = await first.Events.FetchForWriting<Account>(id);
        var b = await second.Events.FetchForWriting<Account>(id);
        a.AppendOne(new MoneyDeposited(id, 100));
        b.AppendOne(new MoneyDeposited(id, 200));

        var results = await Task.WhenAll(Attempt(first.SaveChangesAsync()), Attempt(second.SaveChangesAsync()));

        Assert.Equal(1, results.Count(r => r is null));
        var loser = Assert.IsType<ConcurrencyException>(results.Single(r => r is not null));
        Assert.Equal(id, loser.StreamId);
        Assert.Equal(1, loser.ExpectedVersion);
        var account = await FetchAccount(id);
        Assert.Equal(2, account.Version);
        Assert.Contains(account.BalanceCents, new long[] { 100, 200 });
    }

    [Fact]
    public async Task many_writers_on_one_stream_lose_cleanly_and_leave_no_sequence_gaps()
    {
        var id = await db.OpenAccountAsync();
        var before = await db.ScalarAsync<long>("select last_value from mt_events_sequence");
        var wins = 0;
        var losses = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await using var session = Store.LightweightSession();
                var stream = await session.Events.FetchForWriting<Account>(id);
                stream.AppendOne(new MoneyDeposited(id, 1));
                try
                {
                    await session.SaveChangesAsync();
                    Interlocked.Increment(ref wins);
                }
                catch (ConcurrencyException)
                {
                    Interlocked.Increment(ref losses);
                }
            }
        })));

        var account = await FetchAccount(id);
        Assert.Equal(8 * 15, wins + losses);
        Assert.Equal(1 + wins, account.Version);
        Assert.Equal(wins, account.BalanceCents);
        // Every number drawn from the sequence belongs to a stored event: the losers drew none.
        var after = await db.ScalarAsync<long>("select last_value from mt_events_sequence");
        Assert.Equal(wins, after - before);
        Assert.Equal(wins, await db.ScalarAsync<long>("select count(*) from mt_events where seq_id > $1", before));
        Assert.Equal(1 + wins, await db.ScalarAsync<int>("select events from inline_totals where stream_id = $1", id));
    }

    [Fact]
    public async Task a_failed_append_rolls_back_the_sessions_appends_to_other_streams()
    {
        var good = await db.OpenAccountAsync();
        var bad = await db.OpenAccountAsync();
        var fresh = Guid.NewGuid();
        var before = await db.ScalarAsync<long>("select last_value from mt_events_sequence");
        var committedWork = false;

        await using var session = Store.LightweightSession();
        session.Events.Append(good, 1, new MoneyDeposited(good, 500));
        session.Events.StartStream<Account>(fresh, new AccountOpened(fresh, "new"));
        session.Events.Append(bad, 7, new MoneyDeposited(bad, 500));
        session.OnCommit((_, _, _) => { committedWork = true; return Task.CompletedTask; });

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(bad, error.StreamId);
        Assert.Equal(7, error.ExpectedVersion);
        Assert.Equal(1, error.ActualVersion);
        Assert.False(committedWork);
        Assert.Equal(1, (await FetchAccount(good)).Version);
        Assert.Null(await Store.LightweightSession().Events.FetchLatest<Account>(fresh));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from mt_streams where id = $1", fresh));
        Assert.Equal(1, await db.ScalarAsync<int>("select events from inline_totals where stream_id = $1", good));
        Assert.Equal(before, await db.ScalarAsync<long>("select last_value from mt_events_sequence"));
    }

    [Fact]
    public async Task work_registered_with_on_commit_failing_rolls_back_the_events()
    {
        var id = await db.OpenAccountAsync();
        await using var session = Store.LightweightSession();
        session.Events.Append(id, new MoneyDeposited(id, 5));
        session.OnCommit((_, _, _) => throw new InvalidOperationException("outbox full"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync());

        Assert.Equal(1, (await FetchAccount(id)).Version);
    }

    [Fact]
    public async Task starting_a_stream_that_exists_is_a_concurrency_exception()
    {
        var id = await db.OpenAccountAsync();
        await using var session = Store.LightweightSession();
        session.Events.StartStream<Account>(id, new AccountOpened(id, "again"));

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(id, error.StreamId);
        Assert.Equal("test", (await FetchAccount(id)).Owner);
    }

    [Fact]
    public async Task two_sessions_starting_the_same_new_stream_at_once_give_one_stream()
    {
        var id = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await using var session = Store.LightweightSession();
            session.Events.StartStream<Account>(id, new AccountOpened(id, $"owner {i}"));
            return await Attempt(session.SaveChangesAsync());
        })));

        Assert.Equal(1, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), r => Assert.IsType<ConcurrencyException>(r));
        Assert.Equal(1, (await FetchAccount(id)).Version);
    }

    [Fact]
    public async Task for_update_makes_the_second_writer_wait_and_see_the_first_ones_event()
    {
        var id = await db.OpenAccountAsync();
        await using var first = Store.LightweightSession();
        var a = await first.Events.FetchForWriting<Account>(id, forUpdate: true);

        var secondDone = Task.Run(async () =>
        {
            await using var second = Store.LightweightSession();
            var b = await second.Events.FetchForWriting<Account>(id, forUpdate: true);
            b.AppendOne(new MoneyDeposited(id, b.Aggregate!.BalanceCents + 1));
            await second.SaveChangesAsync();
            return b.StartingVersion;
        });
        await Task.Delay(300);
        Assert.False(secondDone.IsCompleted);

        a.AppendOne(new MoneyDeposited(id, 10));
        await first.SaveChangesAsync();

        Assert.Equal(2, await secondDone);
        var account = await FetchAccount(id);
        Assert.Equal(3, account.Version);
        Assert.Equal(10 + 11, account.BalanceCents);
    }

    [Fact]
    public async Task appends_in_one_session_to_one_stream_continue_each_other()
    {
        var id = await db.OpenAccountAsync();
        await using var session = Store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Account>(id);
        stream.AppendOne(new MoneyDeposited(id, 1));
        stream.AppendMany([new MoneyDeposited(id, 2), new MoneyDeposited(id, 3)]);
        session.Events.Append(id, 4, new MoneyWithdrawn(id, 1));
        await session.SaveChangesAsync();

        var account = await FetchAccount(id);
        Assert.Equal(5, account.Version);
        Assert.Equal(5, account.BalanceCents);
    }

    [Fact]
    public async Task an_expected_version_that_contradicts_an_earlier_append_in_the_session_writes_nothing()
    {
        var id = await db.OpenAccountAsync();
        await using var session = Store.LightweightSession();
        session.Events.Append(id, 1, new MoneyDeposited(id, 1));
        session.Events.Append(id, 1, new MoneyDeposited(id, 2));

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(1, error.ExpectedVersion);
        Assert.Equal(2, error.ActualVersion);
        Assert.Equal(1, (await FetchAccount(id)).Version);
    }

    [Fact]
    public async Task appending_without_a_version_to_a_missing_stream_fails()
    {
        await using var session = Store.LightweightSession();
        var id = Guid.NewGuid();
        session.Events.Append(id, new MoneyDeposited(id, 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync());
    }

    [Fact]
    public async Task appending_at_a_version_to_a_missing_stream_is_a_concurrency_exception()
    {
        await using var session = Store.LightweightSession();
        var id = Guid.NewGuid();
        session.Events.Append(id, 3, new MoneyDeposited(id, 1));

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        Assert.Equal(0, error.ActualVersion);
    }

    [Fact]
    public void an_unregistered_event_type_is_refused_at_append()
    {
        var session = Store.LightweightSession();
        var id = Guid.NewGuid();

        var error = Assert.Throws<UnknownEventTypeException>(() => session.Events.Append(id, new NotRegistered(id)));

        Assert.Equal(typeof(NotRegistered), error.EventType);
        Assert.Contains("Events.Add<NotRegistered>", error.Message);
    }

    [Fact]
    public async Task fetch_for_writing_a_new_stream_starts_it_at_commit()
    {
        var id = Guid.NewGuid();
        await using var session = Store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Account>(id);
        Assert.Null(stream.Aggregate);
        Assert.Equal(0, stream.StartingVersion);
        stream.AppendMany([new AccountOpened(id, "fresh"), new MoneyDeposited(id, 42)]);
        await session.SaveChangesAsync();

        var account = await FetchAccount(id);
        Assert.Equal(new Account(id, "fresh", 42, 2), account);
        Assert.Equal("Account", await db.ScalarAsync<string>("select type from mt_streams where id = $1", id));
    }

    private async Task<Account> FetchAccount(Guid id)
    {
        await using var session = Store.LightweightSession();
        return (await session.Events.FetchLatest<Account>(id))!;
    }

    private static async Task<Exception?> Attempt(Task save)
    {
        try
        {
            await save;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
