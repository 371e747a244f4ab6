using Waardecheque.Handlers;

namespace Waardecheque.Handlers.Tests.Pipeline;

/// <summary>
/// What the Wolverine handlers do around any pure rule (ConventionRunner + Wolverine's transaction and clash retries),
/// on the test domain of Jars.cs, through IMessageBus.InvokeAsync on a real host (ported from the old CommandBusTests).
/// </summary>
public sealed class CommandTests(PipelineFixture db) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task every_event_of_a_command_records_who_acted_in_which_conversation()
    {
        await using var world = await db.OpenAsync("actor");
        var jar = await world.OpenJarAsync(500);
        var purse = await world.OpenPurseAsync();
        var context = new MessageContext("staff:7c1e", "req-123", new Dictionary<string, object> { ["onBehalfOf"] = "cheque:42" });

        await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 200), context);

        var written = (await world.StreamAsync(jar)).Where(e => e.Data is CoinsTaken)
            .Concat((await world.StreamAsync(purse)).Where(e => e.Data is CoinsAdded)).ToList();
        Assert.Equal(2, written.Count);
        Assert.All(written, e =>
        {
            Assert.Equal("staff:7c1e", e.UserName);
            Assert.Equal("req-123", e.CorrelationId);
            Assert.Equal("MoveCoins", e.CausationId);
            Assert.Equal("cheque:42", e.Headers!["onBehalfOf"]);
        });
        // The same, as the auditor reads it straight from the table.
        Assert.Equal(2L, await world.ScalarAsync<long>(
            "select count(*) from mt_events where user_name = 'staff:7c1e' and correlation_id = 'req-123'"));
        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from mt_events where user_name is null"));
    }

    [Fact]
    public async Task a_rule_violation_writes_nothing()
    {
        await using var world = await db.OpenAsync("violation");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var before = await world.ScalarAsync<long>("select count(*) from mt_events");

        var error = await Assert.ThrowsAsync<RuleViolation>(() =>
            world.Bus.InvokeAsync(new MoveCoins(jar, purse, 101, NoteTo: Guid.NewGuid()), JarWorld.Staff));
        var invalid = await Assert.ThrowsAsync<RuleViolation>(() => world.Bus.InvokeAsync(new AddCoins(jar, 0), JarWorld.Staff));

        Assert.Equal(ErrorCodes.InsufficientCredit, error.Code);
        Assert.Equal(ErrorCodes.InvalidAmount, invalid.Code);
        // A rule is final: the move's handler ran once (no retry); Validate stopped the other before any load.
        Assert.Equal(2, Probe.Calls[jar]);   // the set-up's AddCoins and the move
        Assert.Equal(before, await world.ScalarAsync<long>("select count(*) from mt_events"));
        Assert.Equal(0L, await world.PendingEnvelopesAsync());   // its follow-up was never sent
        Assert.Equal(100L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(0L, (await world.LoadAsync<Purse>(purse))!.Cents);
    }

    [Fact]
    public async Task a_command_on_two_streams_writes_both()
    {
        await using var world = await db.OpenAsync("both_streams");
        var jar = await world.OpenJarAsync(300);
        var purse = await world.OpenPurseAsync();

        await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 120), JarWorld.Staff);

        var taken = (await world.StreamAsync(jar)).Single(e => e.Data is CoinsTaken);
        var added = (await world.StreamAsync(purse)).Single(e => e.Data is CoinsAdded);
        Assert.Equal(180L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(120L, (await world.LoadAsync<Purse>(purse))!.Cents);
        // One transaction: the two events carry the same commit timestamp and neighbouring sequence numbers.
        Assert.Equal(taken.Timestamp, added.Timestamp);
        Assert.Equal(1, Math.Abs(taken.Sequence - added.Sequence));
        Assert.Equal(120L, await world.ScalarAsync<long>("select cents from t_coins where id = $1", purse));
    }

    [Fact]
    public async Task a_command_on_two_streams_whose_commit_fails_writes_neither()
    {
        await using var world = await db.OpenAsync("neither");
        var jar = await world.OpenJarAsync(300);
        var purse = await world.OpenPurseAsync();
        var before = await world.ScalarAsync<long>("select count(*) from mt_events");

        // The handler succeeds; the inline projection then refuses an event of the jar, after both streams were appended.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            world.Bus.InvokeAsync(new MoveCoins(jar, purse, 120, NoteTo: Guid.NewGuid(), Poison: true), JarWorld.Staff));

        Assert.Equal(before, await world.ScalarAsync<long>("select count(*) from mt_events"));
        Assert.Equal(300L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(0L, (await world.LoadAsync<Purse>(purse))!.Cents);
        Assert.Equal(2L, await world.ScalarAsync<long>("select version from mt_streams where id = $1", jar));
        Assert.Equal(1L, await world.ScalarAsync<long>("select version from mt_streams where id = $1", purse));
        Assert.Equal(0L, await world.ScalarAsync<long>("select cents from t_coins where id = $1", purse));
        Assert.Equal(0L, await world.PendingEnvelopesAsync());
    }

    [Fact]
    public async Task a_command_that_starts_a_stream_that_exists_gives_up_and_writes_nothing()
    {
        await using var world = await db.OpenAsync("exists");
        var jar = await world.OpenJarAsync(10);
        var taken = await world.OpenPurseAsync();

        var clash = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            world.Bus.InvokeAsync(new AddCoinsAndOpenPurse(jar, taken, 5), JarWorld.Staff));

        Assert.Equal(taken, clash.Id);
        Assert.Equal(10L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(1L, await world.ScalarAsync<long>("select count(*) from mt_events where stream_id = $1", taken));
        // It was retried (a clash may be a race) by Wolverine's clash policy until it gave up.
        Assert.Equal(HandlerSetup.MaxAttempts, Probe.Calls[jar] - 1);
    }

    [Fact]
    public async Task a_version_clash_reruns_the_handler_on_fresh_state()
    {
        await using var world = await db.OpenAsync("clash");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var calls = Probe.Calls[jar];
        // While the move's first try is between load and commit, someone else adds coins to the jar.
        Probe.Hooks[jar] = n =>
        {
            if (n == calls + 1) world.Bus.InvokeAsync(new AddCoins(jar, 50), JarWorld.Staff).GetAwaiter().GetResult();
        };
        try
        {
            await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 100), JarWorld.Staff);
        }
        finally
        {
            Probe.Hooks.TryRemove(jar, out _);
        }

        // move (clash), add, move again: the second try saw the added coins.
        Assert.Equal(calls + 3, Probe.Calls[jar]);
        Assert.Equal(50L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(100L, (await world.LoadAsync<Purse>(purse))!.Cents);
        var types = (await world.StreamAsync(jar)).Select(e => e.Data.GetType().Name).ToList();
        Assert.Equal(["JarOpened", "CoinsAdded", "CoinsAdded", "CoinsTaken"], types);
    }

    [Fact]
    public async Task a_stream_the_handler_only_read_is_checked_again_at_commit()
    {
        await using var world = await db.OpenAsync("readonly");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var other = await world.OpenJarAsync(100);
        var calls = Probe.Calls[jar];
        // Between load and commit, the purse (read, not written) gets coins: the rule "purse empty" no longer holds.
        Probe.Hooks[jar] = n =>
        {
            if (n == calls + 1) world.Bus.InvokeAsync(new MoveCoins(other, purse, 30), JarWorld.Staff).GetAwaiter().GetResult();
        };
        RuleViolation error;
        try
        {
            error = await Assert.ThrowsAsync<RuleViolation>(() => world.Bus.InvokeAsync(new TakeWhilePurseEmpty(jar, purse, 40), JarWorld.Staff));
        }
        finally
        {
            Probe.Hooks.TryRemove(jar, out _);
        }

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
        Assert.Equal(calls + 2, Probe.Calls[jar]);
        Assert.Equal(100L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(30L, (await world.LoadAsync<Purse>(purse))!.Cents);
    }

    [Fact]
    public async Task a_command_whose_read_stream_is_being_written_lets_go_of_its_own_streams_and_retries_until_the_writer_is_done()
    {
        await using var world = await db.OpenAsync("readlocked");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var calls = Probe.Calls[jar];
        // Another process is in the middle of writing the purse (holds its row lock, as a close holds the program's).
        await using var writer = await world.Store.DataSource.OpenConnectionAsync();
        await using var tx = await writer.BeginTransactionAsync();
        await using (var lockPurse = new Npgsql.NpgsqlCommand("select version from mt_streams where id = $1 for update", writer, tx))
        {
            lockPurse.Parameters.Add(new Npgsql.NpgsqlParameter { Value = purse });
            await lockPurse.ExecuteNonQueryAsync();
        }

        var take = Task.Run(() => world.Bus.InvokeAsync(new TakeWhilePurseEmpty(jar, purse, 40), JarWorld.Staff));
        while (Probe.Calls[jar] == calls) await Task.Delay(10);
        await Task.Delay(100);

        Assert.False(take.IsCompleted);
        // Between its tries it holds nothing: the jar it is about to write takes another command at once. (Wolverine's
        // cooldowns give a writer about 0.7-1.3 s before the command answers 409; the old bus waited without a limit.)
        await world.Bus.InvokeAsync(new AddCoins(jar, 5), JarWorld.Staff).WaitAsync(TimeSpan.FromSeconds(5));
        await tx.CommitAsync();
        await take.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(65L, (await world.LoadAsync<Jar>(jar))!.Cents);
        Assert.Equal(0L, (await world.LoadAsync<Purse>(purse))!.Cents);
    }

    [Fact]
    public async Task many_simultaneous_commands_on_one_stream_all_land_through_retries()
    {
        await using var world = await db.OpenAsync("converge");
        var jar = await world.OpenJarAsync();
        var calls = Probe.Calls.GetValueOrDefault(jar);
        const int Writers = 40;

        await Task.WhenAll(Enumerable.Range(1, Writers).Select(i => Task.Run(() =>
            world.Bus.InvokeAsync(new AddCoins(jar, i), JarWorld.Staff))));

        var state = (await world.LoadAsync<Jar>(jar))!;
        Assert.Equal(Writers * (Writers + 1) / 2, state.Cents);
        Assert.Equal(1 + Writers, state.Version);
        Assert.Equal((long)state.Cents, await world.ScalarAsync<long>("select cents from t_coins where id = $1", jar));
        Assert.True(Probe.Calls[jar] - calls > Writers, "the writers should have clashed and retried");
        var report = await world.Store.VerifyAsync();
        Assert.True(report.Valid, report.ToString());
    }

    [Fact]
    public async Task simultaneous_moves_from_one_jar_never_take_more_than_it_holds()
    {
        await using var world = await db.OpenAsync("overdraw");
        var jar = await world.OpenJarAsync(1_000);
        var purses = new List<Guid>();
        for (var i = 0; i < 12; i++) purses.Add(await world.OpenPurseAsync());

        var outcomes = await Task.WhenAll(purses.Select(p => Task.Run(async () =>
        {
            try
            {
                await world.Bus.InvokeAsync(new MoveCoins(jar, p, 150), JarWorld.Staff);
                return "ok";
            }
            catch (RuleViolation e)
            {
                return e.Code;
            }
        })));

        Assert.Equal(6, outcomes.Count(o => o == "ok"));
        Assert.Equal(6, outcomes.Count(o => o == ErrorCodes.InsufficientCredit));
        Assert.Equal(100L, (await world.LoadAsync<Jar>(jar))!.Cents);
        long inPurses = 0;
        foreach (var p in purses) inPurses += (await world.LoadAsync<Purse>(p))!.Cents;
        Assert.Equal(900L, inPurses);
    }

    [Fact]
    public async Task a_command_naming_a_missing_stream_is_not_found_and_writes_nothing()
    {
        await using var world = await db.OpenAsync("missing");
        var purse = await world.OpenPurseAsync();
        var ghost = Guid.CreateVersion7();
        var before = await world.ScalarAsync<long>("select count(*) from mt_events");

        var error = await Assert.ThrowsAsync<AggregateNotFoundException>(() =>
            world.Bus.InvokeAsync(new MoveCoins(ghost, purse, 1), JarWorld.Staff));

        Assert.Equal(ghost, error.Id);
        Assert.Equal(typeof(Jar), error.AggregateType);
        Assert.False(Probe.Calls.ContainsKey(ghost));
        Assert.Equal(before, await world.ScalarAsync<long>("select count(*) from mt_events"));
        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from mt_streams where id = $1", ghost));
    }
}
