using Microsoft.Extensions.Time.Testing;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Handlers.Tests.Domain;

public sealed class IdeaExpiryTests(DomainFixture db) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task an_idea_whose_deadline_passes_expires_through_its_scheduled_message_and_gives_every_pledge_back()
    {
        // The handlers' clock is the real one here: Wolverine's schedule compares with real time, and the expiry's rule
        // with the handlers' "now".
        await using var app = await db.StartAppAsync(TimeProvider.System);
        var hood = await Neighbourhood.CreateAsync(app, new FakeTimeProvider(DateTimeOffset.UtcNow), households: 8);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(8);
        var idea = await hood.OpenIdeaAsync(hood.Cheques[0], 2_000, deadlineIn: deadline - hood.Clock.GetUtcNow());
        var pledgers = hood.Cheques.Skip(1).Take(4).ToList();
        foreach (var cheque in pledgers) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, idea, cheque, 250)).Ok);

        // The approval scheduled the deadline as a durable Scheduled envelope of Wolverine's, under its stable name, due
        // at the idea's deadline.
        Assert.Equal(1L, await ScheduledExpiriesAsync(hood));
        var due = await hood.ScalarAsync<DateTime>(
            "select execution_time from wolverine_incoming_envelopes where status = 'Scheduled' and message_type = 'expire_idea'");
        Assert.InRange((new DateTimeOffset(due, TimeSpan.Zero) - (await hood.LoadAsync<Idea>(idea)).Deadline).Duration(), TimeSpan.Zero,
            TimeSpan.FromMilliseconds(1));

        // Delivered before the deadline (a process whose clock runs behind, or a late retry): it asks again at the deadline.
        Assert.Empty((await app.Bus.InvokeAsync(new ExpireIdea(idea), MessageContext.System("scheduler"))).Appended);
        Assert.Equal(IdeaState.Open, (await hood.LoadAsync<Idea>(idea)).State);
        Assert.Equal(2L, await ScheduledExpiriesAsync(hood));

        // The deadline passes with no request: Wolverine runs the scheduled message.
        await WaitUntilAsync(async () => (await hood.LoadAsync<Idea>(idea)).State == IdeaState.Expired, TimeSpan.FromSeconds(30));

        var expired = await hood.LoadAsync<Idea>(idea);
        Assert.Equal(0, expired.PledgedCents);
        Assert.Equal("Expired", await hood.ScalarAsync<string>("select state from rm_ideas where id = $1", idea));
        Assert.Equal(0L, await hood.ScalarAsync<long>("select count(*) from rm_pledges where idea_id = $1 and not released", idea));
        foreach (var cheque in pledgers)
        {
            Assert.Equal(Neighbourhood.ChequeValue, (await hood.LoadAsync<Cheque>(cheque)).AvailableCents);
            Assert.Equal(Neighbourhood.ChequeValue, await hood.ScalarAsync<long>("select available_cents from rm_cheques where id = $1", cheque));
        }
        await using (var session = app.Store.LightweightSession())
        {
            var stream = await session.Events.FetchStreamAsync(idea);
            var released = Assert.IsType<PledgesReleased>(stream[^1].Data);
            Assert.Equal(ReleaseReason.Expired, released.Reason);
            Assert.Equal(pledgers.Order(), released.Pledges.Select(p => p.ChequeId).Order());
            Assert.Equal(1_000, released.PledgedCents);
            Assert.IsType<IdeaExpired>(stream[^2].Data);
            // The schedule acted as the outbox, caused by whoever scheduled the deadline that fired first: the moderator's
            // approval, or the early delivery above (both were due at the deadline).
            Assert.Equal(CommandInvocation.FollowUpActor, stream[^2].UserName);
            Assert.Contains(stream[^2].Headers![CommandInvocation.CausedByHeader]?.ToString(),
                new[] { $"staff:{Neighbourhood.Connector}", "system:scheduler" });
            Assert.Equal("expire_idea", stream[^2].CausationId);
        }

        // Each released cheque is checked for a reissue it should forward to (none here): those follow-ups run through
        // Wolverine's durable local queue and append nothing. The second (early) deadline message does nothing either.
        await WaitUntilAsync(async () => await hood.ScalarAsync<long>("""
            select count(*) from wolverine_incoming_envelopes
            where status = 'Incoming' or (status = 'Scheduled' and message_type = 'expire_idea' and execution_time <= now() + interval '1 second')
            """) == 0 && await hood.ScalarAsync<long>("select count(*) from wolverine_outgoing_envelopes") == 0, TimeSpan.FromSeconds(30));
        var events = await hood.ScalarAsync<long>("select count(*) from mt_events");
        Assert.Equal(0L, await hood.ScalarAsync<long>("select count(*) from mt_events where type = 'credit_forwarded'"));
        Assert.Equal(0L, await hood.ScalarAsync<long>("select count(*) from wolverine_dead_letters"));

        // Late or twice: nothing more happens.
        var version = expired.Version;
        // The aggregate's version is Marten's (Apply does not bump it): the stream's version.
        Assert.Equal(await hood.ScalarAsync<long>("select version from mt_streams where id = $1", idea), version);
        Assert.Empty((await app.Bus.InvokeAsync(new ExpireIdea(idea), MessageContext.System("scheduler"))).Appended);
        Assert.Equal(version, (await hood.LoadAsync<Idea>(idea)).Version);
        Assert.Equal(events, await hood.ScalarAsync<long>("select count(*) from mt_events"));
        Assert.Equal(ErrorCodes.IdeaNotOpen, (await Neighbourhood.PledgeAsync(app.Bus, idea, hood.Cheques[6], 250)).Result);

        var books = await hood.BooksAsync();
        Assert.Equal(0, books.PledgedOpenCents);
        Assert.Equal(books.IssuedCents, books.AvailableCents);
        await hood.AssertConsistentAsync();
    }

    private static Task<long> ScheduledExpiriesAsync(Neighbourhood hood) =>
        hood.ScalarAsync<long>("select count(*) from wolverine_incoming_envelopes where status = 'Scheduled' and message_type = 'expire_idea'");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting");
            await Task.Delay(100);
        }
    }
}
