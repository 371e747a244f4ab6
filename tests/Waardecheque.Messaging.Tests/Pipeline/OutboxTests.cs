using System.Text.Json;

namespace Waardecheque.Messaging.Tests.Pipeline;

public sealed class OutboxTests(PipelineFixture db) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task a_message_is_written_in_the_transaction_of_its_events_and_delivered_after_commit()
    {
        await using var world = await db.OpenAsync("outbox_same_tx");
        var jar = await world.OpenJarAsync(300);
        var purse = await world.OpenPurseAsync();
        var inbox = Guid.CreateVersion7();

        await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 120, NoteTo: inbox), new MessageContext("cheque:abc", "req-9"));

        // Written by the very transaction that wrote the events (same xmin), not delivered yet.
        Assert.Equal(1L, await world.ScalarAsync<long>("select count(*) from wc_outbox"));
        Assert.Equal(await world.ScalarAsync<string>("select xmin::text from mt_events where stream_id = $1 and version = 3", jar),
            await world.ScalarAsync<string>("select xmin::text from wc_outbox"));
        // Stored under its stable name, not the .NET type's (a scheduled row may outlive a rename).
        Assert.Equal("deliver_note", await world.ScalarAsync<string>("select message_type from wc_outbox"));
        Assert.Equal("cheque:abc", await world.ScalarAsync<string>("select actor from wc_outbox"));
        Assert.Equal("req-9", await world.ScalarAsync<string>("select correlation_id from wc_outbox"));
        Assert.Equal(new Deliver(inbox, "moved 120"), JsonSerializer.Deserialize<Deliver>(
            await world.ScalarAsync<string>("select body::text from wc_outbox"), MessageJson.Options));
        Assert.Null(await world.LoadAsync<Inbox>(inbox));

        Assert.Equal(1, await world.Worker.DeliverDueAsync());

        var delivered = Assert.Single(await world.StreamAsync(inbox));
        Assert.Equal(new MessageDelivered(inbox, "moved 120"), delivered.Data);
        // The delivered message acts as the outbox; who caused it is kept, as is the conversation.
        Assert.Equal("system:outbox", delivered.UserName);
        Assert.Equal("cheque:abc", delivered.Headers[OutboxWorker.CausedByHeader]?.ToString());
        Assert.Equal("req-9", delivered.CorrelationId);
        Assert.Equal("deliver_note", delivered.CausationId);
        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from wc_outbox"));
        Assert.Equal(0, await world.Worker.DeliverDueAsync());
        Assert.Equal(1, Probe.Calls[inbox]);
    }

    [Fact]
    public async Task a_command_that_fails_sends_nothing()
    {
        await using var world = await db.OpenAsync("outbox_failed");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var (refused, poisoned) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await Assert.ThrowsAsync<RuleViolation>(() => world.Bus.InvokeAsync(new MoveCoins(jar, purse, 500, NoteTo: refused), JarWorld.Staff));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            world.Bus.InvokeAsync(new MoveCoins(jar, purse, 50, NoteTo: poisoned, Poison: true), JarWorld.Staff));

        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from wc_outbox"));
        Assert.Equal(0, await world.DrainAsync());
        Assert.Null(await world.LoadAsync<Inbox>(refused));
        Assert.Null(await world.LoadAsync<Inbox>(poisoned));
    }

    [Fact]
    public async Task a_scheduled_message_waits_for_its_due_time()
    {
        await using var world = await db.OpenAsync("outbox_scheduled");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var inbox = Guid.CreateVersion7();

        await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 10, NoteTo: inbox, NoteAt: DateTimeOffset.UtcNow.AddSeconds(1.5)), JarWorld.Staff);

        Assert.Equal(0, await world.Worker.DeliverDueAsync());
        Assert.True(await world.ScalarAsync<bool>("select due_at > now() + interval '1 second' from wc_outbox"));
        Assert.Null(await world.LoadAsync<Inbox>(inbox));

        var wait = await world.ScalarAsync<double>("select extract(epoch from due_at - clock_timestamp())::float8 from wc_outbox");
        await Task.Delay(TimeSpan.FromSeconds(wait + 0.1));

        Assert.Equal(1, await world.Worker.DeliverDueAsync());
        Assert.Single(await world.StreamAsync(inbox));
        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from wc_outbox"));
    }

    [Fact]
    public async Task two_workers_on_one_outbox_never_deliver_a_message_twice()
    {
        await using var first = await db.OpenAsync("outbox_two_workers");
        await using var second = await db.OpenAsync("outbox_two_workers");   // a second app process on the same tables
        const int Messages = 200;
        var inboxes = Enumerable.Range(0, Messages).Select(_ => Guid.CreateVersion7()).ToList();
        await first.ExecuteAsync("""
            insert into wc_outbox (id, message_type, body, due_at, actor)
            select gen_random_uuid(), 'deliver_note', jsonb_build_object('inboxId', i, 'text', 'hello'), now(), 'system:test'
            from unnest($1::uuid[]) i
            """, inboxes.ToArray());

        var handled = await Task.WhenAll(
            Task.Run(() => DrainUntilEmptyAsync(first, first.Worker)),
            Task.Run(() => DrainUntilEmptyAsync(second, second.Worker)));

        Assert.Equal(Messages, handled.Sum());
        Assert.All(handled, n => Assert.True(n > 0, "both workers should have delivered some messages"));
        Assert.All(inboxes, inbox => Assert.Equal(1, Probe.Calls[inbox]));
        Assert.Equal((long)Messages, await first.ScalarAsync<long>(
            "select count(*) from mt_events where type = 'message_delivered' and stream_id = any($1)", inboxes.ToArray()));
        Assert.Equal(0L, await first.ScalarAsync<long>("select count(*) from wc_outbox"));
    }

    private static async Task<int> DrainUntilEmptyAsync(JarWorld world, OutboxWorker worker)
    {
        var total = 0;
        while (await world.ScalarAsync<long>("select count(*) from wc_outbox") > 0)
        {
            var n = await worker.DeliverDueAsync();
            total += n;
            if (n == 0) await Task.Delay(5);   // the rest is claimed by the other worker
        }
        return total;
    }

    [Fact]
    public async Task a_failing_message_is_retried_with_back_off_and_its_error_recorded()
    {
        await using var world = await db.OpenAsync("outbox_retry");
        var inbox = Guid.CreateVersion7();
        await InsertAsync(world, "Flaky", new Flaky(inbox, FailTimes: 2));

        Assert.Equal(1, await world.Worker.DeliverDueAsync());
        Assert.Equal(1, await world.ScalarAsync<int>("select attempts from wc_outbox"));
        Assert.Contains("flaky delivery 1 failed", await world.ScalarAsync<string>("select last_error from wc_outbox"));
        Assert.InRange(await SecondsUntilDueAsync(world), 1.0, 2.0);   // 2^1 s
        Assert.Equal(0, await world.Worker.DeliverDueAsync());          // not before its time

        await world.ExecuteAsync("update wc_outbox set due_at = now()");   // time passes
        Assert.Equal(1, await world.Worker.DeliverDueAsync());
        Assert.Equal(2, await world.ScalarAsync<int>("select attempts from wc_outbox"));
        Assert.Contains("flaky delivery 2 failed", await world.ScalarAsync<string>("select last_error from wc_outbox"));
        Assert.InRange(await SecondsUntilDueAsync(world), 3.0, 4.0);   // 2^2 s

        await world.ExecuteAsync("update wc_outbox set due_at = now()");
        Assert.Equal(1, await world.Worker.DeliverDueAsync());
        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from wc_outbox"));
        Assert.Equal(new MessageDelivered(inbox, "after 3"), Assert.Single(await world.StreamAsync(inbox)).Data);
    }

    [Fact]
    public async Task a_message_that_keeps_failing_is_parked_for_a_person_and_does_not_hold_up_the_others()
    {
        await using var world = await db.OpenAsync("outbox_parked");
        var (hopeless, fine) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var flaky = await InsertAsync(world, "Flaky", new Flaky(hopeless, FailTimes: int.MaxValue), attempts: OutboxWorker.MaxAttempts - 1);
        var unknown = await InsertAsync(world, "NoSuchMessage", new { text = "?" });
        await InsertAsync(world, "Deliver", new Deliver(fine, "still delivered"));   // a row from before the name was given

        Assert.Equal(3, await world.Worker.DeliverDueAsync());

        Assert.Single(await world.StreamAsync(fine));
        Assert.Equal(OutboxWorker.MaxAttempts, await world.ScalarAsync<int>("select attempts from wc_outbox where id = $1", flaky));
        Assert.True(await world.ScalarAsync<bool>("select due_at = 'infinity' from wc_outbox where id = $1", flaky));
        Assert.Contains("failed", await world.ScalarAsync<string>("select last_error from wc_outbox where id = $1", flaky));
        Assert.Equal(1, await world.ScalarAsync<int>("select attempts from wc_outbox where id = $1", unknown));
        Assert.Contains("NoSuchMessage", await world.ScalarAsync<string>("select last_error from wc_outbox where id = $1", unknown));
        Assert.Equal(0, await world.Worker.DeliverDueAsync());
        Assert.Null(await world.LoadAsync<Inbox>(hopeless));
    }

    [Fact]
    public async Task a_message_a_rule_refuses_is_parked_at_once_without_retries()
    {
        await using var world = await db.OpenAsync("outbox_refused");
        var jar = await world.OpenJarAsync(100);
        var refused = await InsertAsync(world, "AddCoins", new AddCoins(jar, 0));

        Assert.Equal(1, await world.Worker.DeliverDueAsync());

        Assert.Equal(1, await world.ScalarAsync<int>("select attempts from wc_outbox where id = $1", refused));
        Assert.True(await world.ScalarAsync<bool>("select due_at = 'infinity' from wc_outbox where id = $1", refused));
        Assert.Contains("more than 0 cents", await world.ScalarAsync<string>("select last_error from wc_outbox where id = $1", refused));
        Assert.Equal(0, await world.Worker.DeliverDueAsync());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(4, 16)]
    [InlineData(5, 30)]
    [InlineData(1000, 30)]
    public void while_the_database_is_away_the_worker_polls_less_and_less_often(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OutboxWorker.RetryDelay(failures));

    private static async Task<Guid> InsertAsync(JarWorld world, string type, object body, int attempts = 0)
    {
        var id = Guid.CreateVersion7();
        await world.ExecuteAsync("insert into wc_outbox (id, message_type, body, due_at, actor, attempts) values ($1, $2, $3::jsonb, now(), 'system:test', $4)",
            id, type, JsonSerializer.Serialize(body, MessageJson.Options), attempts);
        return id;
    }

    private static Task<double> SecondsUntilDueAsync(JarWorld world) =>
        world.ScalarAsync<double>("select extract(epoch from due_at - now())::float8 from wc_outbox");
}
