using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Messaging.Tests.Domain;

public sealed class IdeaExpiryTests(DomainFixture db) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task an_idea_whose_deadline_passes_expires_through_its_scheduled_message_and_gives_every_pledge_back()
    {
        // The app's clock runs an hour behind the database's: the deadline the approval schedules (in ten minutes by
        // the app's clock) is already due for the outbox, which compares with the database's now().
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddHours(-1));
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 8);
        var idea = await hood.OpenIdeaAsync(hood.Cheques[0], 2_000, deadlineIn: TimeSpan.FromMinutes(10));
        var pledgers = hood.Cheques.Skip(1).Take(4).ToList();
        foreach (var cheque in pledgers) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, idea, cheque, 250)).Ok);
        Assert.Equal(1L, await hood.ScalarAsync<long>("select count(*) from wc_outbox where message_type = 'expire_idea'"));

        // Delivered before the deadline by the app's clock (a worker whose clock runs behind): it asks again at the deadline.
        Assert.Equal(1, await app.Worker.DeliverDueAsync());
        Assert.Equal(IdeaState.Open, (await hood.LoadAsync<Idea>(idea)).State);
        Assert.Equal(1L, await hood.ScalarAsync<long>("select count(*) from wc_outbox where message_type = 'expire_idea'"));

        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await app.Worker.DeliverDueAsync());

        var expired = await hood.LoadAsync<Idea>(idea);
        Assert.Equal(IdeaState.Expired, expired.State);
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
        }

        // Each released cheque is checked for a reissue it should forward to (none here): those messages do nothing.
        Assert.Equal(pledgers.Count, await hood.ScalarAsync<long>("select count(*) from wc_outbox where message_type = 'forward_released_credit'"));
        var events = await hood.ScalarAsync<long>("select count(*) from mt_events");
        Assert.Equal(pledgers.Count, await DrainAsync(app));
        Assert.Equal(events, await hood.ScalarAsync<long>("select count(*) from mt_events"));
        Assert.Equal(0L, await hood.ScalarAsync<long>("select count(*) from wc_outbox where due_at <= now()"));

        // Late or twice: nothing more happens.
        var version = expired.Version;
        Assert.Empty((await app.Bus.InvokeAsync(new ExpireIdea(idea), MessageContext.System("scheduler"))).Appended);
        Assert.Equal(version, (await hood.LoadAsync<Idea>(idea)).Version);
        Assert.Equal(ErrorCodes.IdeaNotOpen, (await Neighbourhood.PledgeAsync(app.Bus, idea, hood.Cheques[6], 250)).Result);

        var books = await hood.BooksAsync();
        Assert.Equal(0, books.PledgedOpenCents);
        Assert.Equal(books.IssuedCents, books.AvailableCents);
        await hood.AssertConsistentAsync();
    }

    private static async Task<int> DrainAsync(DomainApp app)
    {
        var total = 0;
        for (int n; (n = await app.Worker.DeliverDueAsync()) > 0;) total += n;
        return total;
    }
}
