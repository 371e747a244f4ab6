using Microsoft.Extensions.Time.Testing;
namespace Waardecheque.Handlers.Tests.Domain;

[Collection(RacesCollection.Name)]
public sealed class PledgeRaceTests(DomainFixture db, ITestOutputHelper output) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task two_hundred_households_pledging_to_one_idea_at_once_fund_it_exactly_and_lose_no_request()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 200);

        await Races.HotIdeaAsync(hood, [app.Bus], output);
    }

    [Fact]
    public async Task a_cheque_pledged_to_ten_ideas_at_once_never_goes_below_zero()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 20);

        await Races.OneChequeManyIdeasAsync(hood, [app.Bus], output);
    }
}

/// <summary>The same races with two app processes (two Wolverine hosts, two stores, two pools) on one database.</summary>
[Collection(RacesCollection.Name)]
public sealed class TwoProcessRaceTests(DomainFixture db, ITestOutputHelper output) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task two_processes_pledging_to_one_hot_idea_fund_it_exactly_and_lose_no_request()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await db.StartAppAsync(clock, maxPool: 25);
        await using var second = await db.StartAppAsync(clock, maxPool: 25);
        var hood = await Neighbourhood.CreateAsync(first, clock, households: 200);

        await Races.HotIdeaAsync(hood, [first.Bus, second.Bus], output);
    }

    [Fact]
    public async Task two_processes_pledging_one_cheque_to_ten_ideas_never_take_it_below_zero()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await db.StartAppAsync(clock, maxPool: 25);
        await using var second = await db.StartAppAsync(clock, maxPool: 25);
        var hood = await Neighbourhood.CreateAsync(first, clock, households: 20);

        await Races.OneChequeManyIdeasAsync(hood, [first.Bus, second.Bus], output);
    }
}
