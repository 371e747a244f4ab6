using Microsoft.Extensions.Time.Testing;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Handlers.Tests.Domain;

[Collection(RacesCollection.Name)]
public sealed class ProgramCloseTests(DomainFixture db, ITestOutputHelper output) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task closing_the_program_while_residents_pledge_lets_no_pledge_in_after_the_close()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await db.StartAppAsync(clock, maxPool: 25);
        await using var second = await db.StartAppAsync(clock, maxPool: 25);
        var hood = await Neighbourhood.CreateAsync(first, clock, households: 120);
        // Three ideas that stay open (a close expires them) and one small one that may be funded before the close.
        var ideas = new List<Guid>();
        for (var i = 0; i < 3; i++) ideas.Add(await hood.OpenIdeaAsync(hood.Cheques[i], 50_000));
        var small = await hood.OpenIdeaAsync(hood.Cheques[3], 1_000);
        ideas.Add(small);
        var buses = new[] { first.Bus, second.Bus };

        var landed = 0;
        var enoughLanded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pledges = hood.Cheques.Select((cheque, i) => Task.Run(async () =>
        {
            await go.Task;
            var outcome = await Neighbourhood.PledgeAsync(buses[i % 2], ideas[i % ideas.Count], cheque, 100L * (1 + i % 3));
            if (outcome.Ok && Interlocked.Increment(ref landed) == 20) enoughLanded.TrySetResult();
            return outcome;
        })).ToList();
        // The municipality closes the program from one process while the pledges pour in through both.
        var close = Task.Run(async () =>
        {
            await enoughLanded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await second.Bus.InvokeAsync(new CloseProgram(hood.ProgramId), Neighbourhood.Staff(Neighbourhood.Municipality));
        });
        go.SetResult();
        var outcomes = await Task.WhenAll(pledges);
        await close;

        output.WriteLine($"pledges around a close: {Latency.Summary(outcomes)}; {outcomes.Count(o => o.Ok)} landed, refused: " +
            string.Join(", ", outcomes.Where(o => !o.Ok).GroupBy(o => o.Result).Select(g => $"{g.Key} {g.Count()}")));
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[]
        {
            "ok", ErrorCodes.ChequeNotUsable, ErrorCodes.IdeaNotOpen, ErrorCodes.TargetExceeded, ErrorCodes.NeedsMoreNeighbours,
        }));
        Assert.Contains(outcomes, o => o.Result == ErrorCodes.ChequeNotUsable);   // the close did fall in the middle

        // Every landed pledge is in the log before the close; nothing pledged after it.
        var log = await hood.EventsAsync("program_closed", "credit_pledged", "pledge_received", "idea_expired", "idea_funded");
        var closedAt = Assert.Single(log, e => e.Type == "program_closed").Seq;
        Assert.DoesNotContain(log, e => e.Type is "credit_pledged" or "pledge_received" or "idea_funded" && e.Seq > closedAt);
        Assert.Equal(outcomes.Count(o => o.Ok), log.Count(e => e.Type == "credit_pledged"));
        Assert.Equal(outcomes.Count(o => o.Ok), log.Count(e => e.Type == "pledge_received"));

        // Open ideas expired with the close and gave every pledge back; a funded one kept its pledges.
        var program = await hood.LoadAsync<Program>(hood.ProgramId);
        Assert.Equal(ProgramState.Closed, program.State);
        var states = new Dictionary<Guid, IdeaState>();
        foreach (var id in ideas)
        {
            var idea = await hood.LoadAsync<Idea>(id);
            states[id] = idea.State;
            Assert.Contains(idea.State, new[] { IdeaState.Expired, IdeaState.Funded });
            if (idea.State == IdeaState.Expired) Assert.Equal(0, idea.PledgedCents);
        }
        Assert.Equal(states.Values.Count(s => s == IdeaState.Expired), log.Count(e => e.Type == "idea_expired"));
        foreach (var o in outcomes)
        {
            var cheque = await hood.LoadAsync<Cheque>(o.Cheque);
            var committed = o.Ok && states[o.Idea] == IdeaState.Funded ? o.AmountCents : 0;
            Assert.Equal(Neighbourhood.ChequeValue - committed, cheque.AvailableCents);
            Assert.Equal(ChequeState.Expired, cheque.StateIn(program));
        }

        var books = await hood.BooksAsync();
        Assert.True(books.Closed);
        Assert.Equal(0, books.AvailableCents);
        Assert.Equal(0, books.PledgedOpenCents);
        Assert.Equal(books.IssuedCents - books.CommittedCents, books.ExpiredCents);
        await hood.AssertConsistentAsync();

        // Afterwards a pledge is refused for the closed program, whichever process takes it.
        var late = await Neighbourhood.PledgeAsync(first.Bus, ideas[0], hood.Cheques[^1], 100);
        Assert.Equal(ErrorCodes.ChequeNotUsable, late.Result);
    }
}
