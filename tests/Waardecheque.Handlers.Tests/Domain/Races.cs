using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>The races of QUALITY.md ("Concurrency"), run over one app process (a Wolverine host) or over several.</summary>
public static class Races
{
    public const long HotTarget = 40_000;

    /// <summary>Starts every request on its own task and releases them together.</summary>
    public static async Task<PledgeOutcome[]> AllAtOnceAsync(IEnumerable<(CommandHost Bus, Guid Idea, Guid Cheque, long Amount)> requests)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = requests.Select(r => Task.Run(async () =>
        {
            await go.Task;
            return await Neighbourhood.PledgeAsync(r.Bus, r.Idea, r.Cheque, r.Amount);
        })).ToList();
        go.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>
    /// Every household pledges 1 to 5 euros to one idea at the same moment. The idea must end exactly at its target
    /// with at least the rule's number of households, never above it on the way, and every request must either have
    /// landed or have been refused by a rule.
    /// </summary>
    public static async Task HotIdeaAsync(Neighbourhood hood, IReadOnlyList<CommandHost> buses, ITestOutputHelper output)
    {
        var idea = await hood.OpenIdeaAsync(hood.Cheques[0], HotTarget);

        var outcomes = await AllAtOnceAsync(hood.Cheques.Select((cheque, i) => (buses[i % buses.Count], idea, cheque, 100L * (1 + i % 5))));

        output.WriteLine($"hot idea over {buses.Count} process(es): {Latency.Summary(outcomes)}; " +
            $"{outcomes.Count(o => o.Ok)} landed, refused: " +
            string.Join(", ", outcomes.Where(o => !o.Ok).GroupBy(o => o.Result).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Equal(hood.Cheques.Count, outcomes.Length);
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[] { "ok", ErrorCodes.IdeaNotOpen, ErrorCodes.TargetExceeded, ErrorCodes.NeedsMoreNeighbours }));

        var landed = outcomes.Where(o => o.Ok).ToList();
        var state = await hood.LoadAsync<Idea>(idea);
        Assert.Equal(IdeaState.Funded, state.State);
        Assert.Equal(HotTarget, state.PledgedCents);
        Assert.Equal(HotTarget, landed.Sum(o => o.AmountCents));
        Assert.True(state.HouseholdCount >= ProgramRules.Default.MinHouseholdsPerIdea);
        Assert.Equal(landed.Count, state.HouseholdCount);
        Assert.Equal(landed.Select(o => o.Cheque).Order(), state.Pledges.Keys.Order());
        Assert.All(landed, o => Assert.Equal(o.AmountCents, state.Pledges[o.Cheque].AmountCents));
        // A refused request left its cheque whole; a landed one took exactly its amount.
        foreach (var o in outcomes)
            Assert.Equal(Neighbourhood.ChequeValue - (o.Ok ? o.AmountCents : 0), (await hood.LoadAsync<Cheque>(o.Cheque)).AvailableCents);

        // On the way: never above the target, funded once, by the pledge that completed it, and nothing after.
        await using (var session = hood.App.Store.LightweightSession())
        {
            var stream = await session.Events.FetchStreamAsync(idea);
            long total = 0;
            foreach (var e in stream)
            {
                if (e.Data is PledgeReceived p) total += p.AmountCents;
                Assert.True(total <= HotTarget);
            }
            Assert.IsType<IdeaFunded>(stream[^1].Data);
            Assert.IsType<PledgeReceived>(stream[^2].Data);
            Assert.Single(stream, e => e.Data is IdeaFunded);
        }
        Assert.Equal(HotTarget, await hood.ScalarAsync<long>("select pledged_cents from rm_ideas where id = $1", idea));
        Assert.Equal(landed.Count, await hood.ScalarAsync<int>("select households from rm_ideas where id = $1", idea));

        var books = await hood.BooksAsync();
        Assert.Equal(HotTarget, books.CommittedCents);
        await hood.AssertConsistentAsync();
    }

    /// <summary>
    /// A few cheques are each pledged to ten ideas at the same moment, asking far more than a cheque holds.
    /// No cheque ever goes below zero and each one's landed pledges are exactly what left it.
    /// </summary>
    public static async Task OneChequeManyIdeasAsync(Neighbourhood hood, IReadOnlyList<CommandHost> buses, ITestOutputHelper output,
        int cheques = 4, int ideas = 10)
    {
        var ideaIds = new List<Guid>();
        for (var i = 0; i < ideas; i++) ideaIds.Add(await hood.OpenIdeaAsync(hood.Cheques[cheques + i], 1_000));
        var racers = hood.Cheques.Take(cheques).ToList();

        var outcomes = await AllAtOnceAsync(racers.SelectMany((cheque, c) => ideaIds.Select((idea, i) =>
            (buses[(c + i) % buses.Count], idea, cheque, 100L + 50 * i))));

        output.WriteLine($"{cheques} cheques x {ideas} ideas over {buses.Count} process(es): {Latency.Summary(outcomes)}; " +
            $"{outcomes.Count(o => o.Ok)} landed, refused: " +
            string.Join(", ", outcomes.Where(o => !o.Ok).GroupBy(o => o.Result).Select(g => $"{g.Key} {g.Count()}")));
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[]
        {
            "ok", ErrorCodes.InsufficientCredit, ErrorCodes.TargetExceeded, ErrorCodes.NeedsMoreNeighbours, ErrorCodes.IdeaNotOpen,
        }));
        foreach (var cheque in racers)
        {
            var mine = outcomes.Where(o => o.Cheque == cheque).ToList();
            var spent = mine.Where(o => o.Ok).Sum(o => o.AmountCents);
            var state = await hood.LoadAsync<Cheque>(cheque);
            Assert.True(spent <= Neighbourhood.ChequeValue, $"cheque {cheque} pledged {spent}");
            Assert.Equal(Neighbourhood.ChequeValue - spent, state.AvailableCents);
            Assert.True(state.AvailableCents >= 0);
            Assert.Contains(mine, o => o.Ok);
            // A refusal for credit was right when it was made: the amount did not fit what the cheque had left at the end.
            Assert.All(mine.Where(o => o.Result == ErrorCodes.InsufficientCredit), o => Assert.True(o.AmountCents > state.AvailableCents));
        }
        // Every cheque asked for far more than it holds, so the race did refuse for credit.
        Assert.Contains(outcomes, o => o.Result == ErrorCodes.InsufficientCredit);
        foreach (var idea in ideaIds)
        {
            var state = await hood.LoadAsync<Idea>(idea);
            Assert.Equal(outcomes.Where(o => o.Ok && o.Idea == idea).Sum(o => o.AmountCents), state.PledgedCents);
        }
        await hood.AssertConsistentAsync();
    }
}
