using Waardecheque.Handlers;
using Wolverine;
using Wolverine.Runtime;

namespace Waardecheque.Handlers.Tests.Pipeline;

/// <summary>
/// The messages a rule sends (<c>Events.Send</c>) go through Wolverine's durable outbox in the command's transaction:
/// delivered after commit, or scheduled (ported from the old OutboxTests, whose worker and table are gone).
/// </summary>
public sealed class FollowUpTests(PipelineFixture db) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task a_follow_up_is_delivered_after_commit_acting_as_the_outbox_in_the_causes_conversation()
    {
        await using var world = await db.OpenAsync("outbox_same_tx");
        var jar = await world.OpenJarAsync(300);
        var purse = await world.OpenPurseAsync();
        var inbox = Guid.CreateVersion7();

        await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 120, NoteTo: inbox), new MessageContext("cheque:abc", "req-9"));

        await JarWorld.WaitUntilAsync(async () => await world.LoadAsync<Inbox>(inbox) is not null);
        var delivered = Assert.Single(await world.StreamAsync(inbox));
        Assert.Equal(new MessageDelivered(inbox, "moved 120"), delivered.Data);
        // The delivered message acts as the outbox; who caused it is kept, as is the conversation; its stable name is
        // the events' causation.
        Assert.Equal(CommandInvocation.FollowUpActor, delivered.UserName);
        Assert.Equal("cheque:abc", delivered.Headers![CommandInvocation.CausedByHeader]?.ToString());
        Assert.Equal("req-9", delivered.CorrelationId);
        Assert.Equal("deliver_note", delivered.CausationId);
        await JarWorld.WaitUntilAsync(async () => await world.PendingEnvelopesAsync() == 0);
        Assert.Equal(1, Probe.Calls[inbox]);
    }

    [Fact]
    public async Task a_scheduled_follow_up_is_written_in_the_transaction_of_its_events_and_waits_for_its_due_time()
    {
        await using var world = await db.OpenAsync("outbox_scheduled");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var inbox = Guid.CreateVersion7();

        await world.Bus.InvokeAsync(new MoveCoins(jar, purse, 10, NoteTo: inbox, NoteAt: DateTimeOffset.UtcNow.AddSeconds(3)), JarWorld.Staff);

        // A Scheduled envelope under its stable name, written by the very transaction that wrote the events (same xmin).
        const string Envelope = "from wolverine_incoming_envelopes where status = 'Scheduled' and message_type = 'deliver_note'";
        Assert.Equal(1L, await world.ScalarAsync<long>("select count(*) " + Envelope));
        Assert.Equal(await world.ScalarAsync<string>("select xmin::text from mt_events where stream_id = $1 and version = 3", jar),
            await world.ScalarAsync<string>("select xmin::text " + Envelope));
        Assert.True(await world.ScalarAsync<bool>("select execution_time > now() + interval '1 second' " + Envelope));
        await Task.Delay(500);
        Assert.Null(await world.LoadAsync<Inbox>(inbox));

        await JarWorld.WaitUntilAsync(async () => await world.LoadAsync<Inbox>(inbox) is not null);
        Assert.True(await world.ScalarAsync<bool>("select max(timestamp) >= (select max(timestamp) from mt_events where stream_id <> $1) + interval '2 seconds' from mt_events where stream_id = $1", inbox));
        Assert.Single(await world.StreamAsync(inbox));
        await JarWorld.WaitUntilAsync(async () => await world.ScalarAsync<long>("select count(*) " + Envelope) == 0);
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

        Assert.Equal(0L, await world.PendingEnvelopesAsync());
        await Task.Delay(1500);   // longer than the schedule's polling
        Assert.Null(await world.LoadAsync<Inbox>(refused));
        Assert.Null(await world.LoadAsync<Inbox>(poisoned));
        Assert.False(Probe.Calls.ContainsKey(refused) || Probe.Calls.ContainsKey(poisoned));
    }

    [Fact]
    public async Task two_processes_on_one_database_deliver_every_follow_up_exactly_once()
    {
        await using var first = await db.OpenAsync("outbox_two_workers");
        await using var second = await db.OpenAsync("outbox_two_workers");   // a second app process on the same tables
        const int Messages = 200;
        var inboxes = Enumerable.Range(0, Messages).Select(_ => Guid.CreateVersion7()).ToList();
        // Scheduled a moment ahead, so both processes are polling when they fall due.
        var due = DateTimeOffset.UtcNow.AddSeconds(1);
        var bus = new MessageBus(first.Bus.Runtime);
        foreach (var inbox in inboxes) await bus.ScheduleAsync(new Deliver(inbox, "hello"), due);

        await JarWorld.WaitUntilAsync(async () => await first.ScalarAsync<long>(
            "select count(*) from mt_events where type = 'message_delivered' and stream_id = any($1)", inboxes.ToArray()) == Messages,
            TimeSpan.FromSeconds(60));

        await JarWorld.WaitUntilAsync(async () => await first.PendingEnvelopesAsync() == 0);
        Assert.All(inboxes, inbox => Assert.Equal(1, Probe.Calls[inbox]));
        Assert.Equal((long)Messages, await first.ScalarAsync<long>(
            "select count(*) from mt_events where type = 'message_delivered' and stream_id = any($1)", inboxes.ToArray()));
    }

    [Fact]
    public async Task a_failing_follow_up_is_tried_again_until_it_lands()
    {
        await using var world = await db.OpenAsync("outbox_retry");
        var inbox = Guid.CreateVersion7();

        await new MessageBus(world.Bus.Runtime).PublishAsync(new Flaky(inbox, FailTimes: 2));

        await JarWorld.WaitUntilAsync(async () => await world.LoadAsync<Inbox>(inbox) is not null);
        Assert.Equal(new MessageDelivered(inbox, "after 3"), Assert.Single(await world.StreamAsync(inbox)).Data);
        Assert.Equal(3, Probe.Calls[inbox]);
        Assert.Equal(0L, await world.ScalarAsync<long>("select count(*) from wolverine_dead_letters"));
    }

    [Fact]
    public async Task a_follow_up_that_keeps_failing_goes_to_the_dead_letters_for_a_person_and_does_not_hold_up_the_others()
    {
        await using var world = await db.OpenAsync("outbox_parked");
        var (hopeless, fine) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var bus = new MessageBus(world.Bus.Runtime);

        await bus.PublishAsync(new Flaky(hopeless, FailTimes: int.MaxValue));
        await bus.PublishAsync(new Deliver(fine, "still delivered"));

        await JarWorld.WaitUntilAsync(async () => await world.ScalarAsync<long>("select count(*) from wolverine_dead_letters") == 1);
        await JarWorld.WaitUntilAsync(async () => await world.LoadAsync<Inbox>(fine) is not null);
        Assert.Single(await world.StreamAsync(fine));
        Assert.Contains("flaky delivery", await world.ScalarAsync<string>("select exception_message from wolverine_dead_letters"));
        Assert.Null(await world.LoadAsync<Inbox>(hopeless));
        var tries = Probe.Calls[hopeless];
        Assert.Equal(4, tries);   // the first try and the three retries this host is given (PipelineFixture)
        await Task.Delay(1500);
        Assert.Equal(tries, Probe.Calls[hopeless]);   // and then left alone
    }

    [Fact]
    public async Task a_follow_up_a_rule_refuses_goes_to_the_dead_letters_at_once_without_retries()
    {
        await using var world = await db.OpenAsync("outbox_refused");
        var jar = await world.OpenJarAsync(100);
        var purse = await world.OpenPurseAsync();
        var calls = Probe.Calls[jar];

        await new MessageBus(world.Bus.Runtime).PublishAsync(new MoveCoins(jar, purse, 500));

        await JarWorld.WaitUntilAsync(async () => await world.ScalarAsync<long>("select count(*) from wolverine_dead_letters") == 1);
        Assert.Contains("Not enough coins", await world.ScalarAsync<string>("select exception_message from wolverine_dead_letters"));
        await Task.Delay(1000);
        Assert.Equal(calls + 1, Probe.Calls[jar]);   // the rule ran once: no retry asks it again
    }
}
