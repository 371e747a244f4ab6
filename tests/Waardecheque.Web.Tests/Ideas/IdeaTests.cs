using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Ideas;

public sealed class IdeaWorld : ApiWorld
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    protected override Action<IServiceCollection>? Services => s => s.AddSingleton<TimeProvider>(Clock);
    public DateTimeOffset Now => Clock.GetUtcNow();
}

/// <summary>Proposing, moderating, listing and withdrawing ideas; what the public sees.</summary>
public sealed class IdeaTests(IdeaWorld w) : IClassFixture<IdeaWorld>
{
    [Fact]
    public async Task a_proposal_with_bad_fields_names_them_and_one_outside_your_street_is_not_a_neighbour()
    {
        var program = await w.OpenProgramAsync(now: w.Now);
        var resident = await w.ResidentAsync(program, "Rozentuin", 1);

        var bad = await w.PostAsync("/api/v1/ideas", resident, new
        {
            title = "ab", description = "x", scope = new { kind = "buurt", buurtCode = "BU06379999" }, targetCents = 10,
            deadline = w.Now.AddDays(-1),
        });
        var problem = await bad.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _));
        var second = await (await w.PostAsync("/api/v1/ideas", resident, new
        {
            title = "Een goed idee", scope = new { kind = "buurt", buurtCode = "BU06379999" }, targetCents = 10, deadline = w.Now.AddDays(-1),
        })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Superset(new HashSet<string> { "targetCents", "deadline", "scope.buurtCode" },
            second.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet());
        await (await w.PostAsync("/api/v1/ideas", resident, new { title = "Een goed idee", scope = new { kind = "wijk", buurtCode = ApiWorld.Tuinen },
            targetCents = 1000, deadline = w.Now.AddDays(3) })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await w.PostAsync("/api/v1/ideas", resident, new { title = "Een goed idee", scope = ApiWorld.Street("Kruidentuin"),
            targetCents = 1000, deadline = w.Now.AddDays(3) })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_neighbour");
        await (await w.PostAsync("/api/v1/ideas", resident, new { title = "Een goed idee", scope = ApiWorld.Buurt(ApiWorld.Vaarten),
            targetCents = 1000, deadline = w.Now.AddDays(3) })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_neighbour");
    }

    [Fact]
    public async Task a_household_cannot_propose_before_the_program_opens()
    {
        var program = await w.CreateProgramAsync(now: w.Now);
        await ApiWorld.OkJsonAsync(await w.ImportAsync(program, ApiWorld.StandardCsv()));
        await w.PostJsonAsync($"/api/v1/programs/{program}/cheques/issue", w.Admin);
        // Letters arrive before the opening: scanning already works.
        var resident = await w.ResidentAsync(program, "Rozentuin", 1);

        var response = await w.PostAsync("/api/v1/ideas", resident, new
        {
            title = "Een bankje", scope = ApiWorld.Street("Rozentuin"), targetCents = 1000, deadline = w.Now.AddDays(3),
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "cheque_not_usable");
        Assert.Contains("nog niet open", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_proposal_waits_for_a_connector_and_is_not_public_until_approved()
    {
        var program = await w.OpenProgramAsync(now: w.Now);
        var initiator = await w.ResidentAsync(program, "Rozentuin", 2);
        var neighbour = await w.ResidentAsync(program, "Rozentuin", 3);
        var idea = await w.ProposeAsync(initiator, "Bankje bij de vijver", ApiWorld.Street("Rozentuin"), 1000, w.Now.AddDays(5));

        await (await w.GetAsync($"/api/v1/ideas/{idea}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.GetAsync($"/api/v1/ideas/{idea}", neighbour)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("submitted", (await w.GetJsonAsync($"/api/v1/ideas/{idea}", initiator)).GetProperty("state").GetString());
        Assert.Empty((await w.GetJsonAsync($"/api/v1/programs/{program}/ideas")).EnumerateArray());
        var queue = await w.GetJsonAsync($"/api/v1/programs/{program}/ideas?state=submitted", w.Moderator);
        Assert.Equal(idea, Assert.Single(queue.EnumerateArray()).GetProperty("id").GetGuid());
        await (await w.PledgeAsync(idea, neighbour, 300)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idea_not_open");

        await w.PostJsonAsync($"/api/v1/ideas/{idea}/approve", w.Moderator);

        await (await w.PostAsync($"/api/v1/ideas/{idea}/approve", w.Moderator)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        var listed = Assert.Single((await w.GetJsonAsync($"/api/v1/programs/{program}/ideas")).EnumerateArray());
        Assert.Equal("open", listed.GetProperty("state").GetString());
        Assert.Equal("street", listed.GetProperty("scope").GetProperty("kind").GetString());
        Assert.Equal("Tuinen", listed.GetProperty("scope").GetProperty("buurtName").GetString());
        Assert.Equal(3, listed.GetProperty("minHouseholds").GetInt32());
        await (await w.PostAsync($"/api/v1/ideas/{Guid.CreateVersion7()}/approve", w.Moderator)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task the_public_list_filters_by_buurt_street_and_state()
    {
        var program = await w.OpenProgramAsync(now: w.Now);
        var tuinen = await w.ResidentAsync(program, "Kruidentuin", 1);
        var vaarten = await w.ResidentAsync(program, "Noordvaart", 1);
        var street = await w.OpenIdeaAsync(tuinen, ApiWorld.Street("Kruidentuin"), 1000, w.Now.AddDays(5));
        var buurt = await w.OpenIdeaAsync(vaarten, ApiWorld.Buurt(ApiWorld.Vaarten), 1000, w.Now.AddDays(5));
        var rejected = await w.ProposeAsync(vaarten, "Nog een idee", ApiWorld.Buurt(ApiWorld.Vaarten), 1000, w.Now.AddDays(5));
        var reason = await w.PostJsonAsync($"/api/v1/ideas/{rejected}/reject", w.Moderator, new { reason = "Past niet binnen de regeling." });
        Assert.Equal("rejected", reason.GetProperty("state").GetString());
        await (await w.PostAsync($"/api/v1/ideas/{rejected}/reject", w.Moderator, new { reason = "" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");

        async Task<Guid[]> Ids(string query, string? token = null) =>
            [.. (await w.GetJsonAsync($"/api/v1/programs/{program}/ideas{query}", token)).EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];

        Assert.Equal([buurt, street], await Ids(""));
        Assert.Equal([street], await Ids($"?buurt={ApiWorld.Tuinen}"));
        Assert.Equal([street], await Ids("?street=kruidentuin"));
        Assert.Equal([buurt], await Ids($"?buurt={ApiWorld.Vaarten.ToLowerInvariant()}&state=open"));
        Assert.Empty(await Ids("?state=rejected"));
        Assert.Equal([rejected], await Ids("?state=rejected", w.Moderator));
        Assert.Equal([rejected], await Ids("?state=rejected", vaarten));   // the initiator sees their own
        var detail = await w.GetJsonAsync($"/api/v1/ideas/{rejected}", vaarten);
        Assert.Equal("Past niet binnen de regeling.", detail.GetProperty("decisionReason").GetString());
        await (await w.GetAsync($"/api/v1/programs/{program}/ideas?state=lekker")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await w.GetAsync($"/api/v1/programs/{Guid.CreateVersion7()}/ideas")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task only_the_initiator_or_a_connector_withdraws_and_every_pledge_goes_back()
    {
        var program = await w.OpenProgramAsync(now: w.Now);
        var initiator = await w.ResidentAsync(program, "Klaverweide", 1);
        var neighbour = await w.ResidentAsync(program, "Klaverweide", 2);
        var idea = await w.OpenIdeaAsync(initiator, ApiWorld.Street("Klaverweide", ApiWorld.Weiden), 2000, w.Now.AddDays(5));
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, neighbour, 400), HttpStatusCode.Created);

        await (await w.PostAsync($"/api/v1/ideas/{idea}/withdraw", neighbour)).AssertProblemAsync(HttpStatusCode.Forbidden, "not_initiator");
        await (await w.PostAsync($"/api/v1/ideas/{idea}/withdraw", w.Auditor)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("withdrawn", (await w.PostJsonAsync($"/api/v1/ideas/{idea}/withdraw", initiator)).GetProperty("state").GetString());

        var back = await w.GetJsonAsync("/api/v1/resident/cheque", neighbour);
        Assert.Equal(750, back.GetProperty("availableCents").GetInt64());
        var pledge = Assert.Single(back.GetProperty("pledges").EnumerateArray());
        Assert.True(pledge.GetProperty("released").GetBoolean());
        Assert.Equal("withdrawn", pledge.GetProperty("state").GetString());
        await (await w.PostAsync($"/api/v1/ideas/{idea}/withdraw", initiator)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");

        var second = await w.OpenIdeaAsync(initiator, ApiWorld.Street("Klaverweide", ApiWorld.Weiden), 2000, w.Now.AddDays(5));
        Assert.Equal("withdrawn", (await w.PostJsonAsync($"/api/v1/ideas/{second}/withdraw", w.Moderator)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task after_its_deadline_an_idea_takes_no_pledges()
    {
        var program = await w.OpenProgramAsync(now: w.Now);
        var initiator = await w.ResidentAsync(program, "Noordvaart", 2);
        var idea = await w.OpenIdeaAsync(initiator, ApiWorld.Buurt(ApiWorld.Vaarten), 2000, w.Now.AddHours(2));
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, initiator, 300), HttpStatusCode.Created);

        w.Clock.Advance(TimeSpan.FromHours(3));

        var problem = await (await w.PledgeAsync(idea, initiator, 300)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idea_not_open");
        Assert.Contains("deadline", problem.GetProperty("detail").GetString());
        await (await w.SendAsync(HttpMethod.Delete, $"/api/v1/ideas/{idea}/pledges/mine", initiator))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idea_not_open");
    }
}
