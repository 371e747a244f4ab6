using Waardecheque.Handlers;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;
using Waardecheque.Web.Api;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Pledging;

public sealed class PledgeWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
    }
}

/// <summary>Pledging, taking back, collecting paper cheques, and Idempotency-Key.</summary>
public sealed class PledgeTests(PledgeWorld w) : IClassFixture<PledgeWorld>
{
    private async Task<(Guid Idea, string Initiator)> IdeaOnAsync(string street, int initiatorNumber, long target = 2000)
    {
        var buurt = ApiWorld.StandardStreets.Single(s => s.Street == street).Buurt;
        var initiator = await w.ResidentAsync(w.ProgramId, street, initiatorNumber);
        return (await w.OpenIdeaAsync(initiator, ApiWorld.Street(street, buurt), target), initiator);
    }

    [Fact]
    public async Task every_pooling_rule_answers_with_its_own_code()
    {
        var (idea, initiator) = await IdeaOnAsync("Rozentuin", 1);
        var stranger = await w.ResidentAsync(w.ProgramId, "Kruidentuin", 1);

        await (await w.PledgeAsync(idea, initiator, 0)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        await (await w.PledgeAsync(idea, initiator, -100)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        await (await w.PledgeAsync(idea, initiator, 150.5)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        var min = await (await w.PledgeAsync(idea, initiator, 50)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        Assert.Equal(100, min.GetProperty("minPledgeCents").GetInt64());
        var credit = await (await w.PledgeAsync(idea, initiator, 800)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_credit");
        Assert.Equal(750, credit.GetProperty("availableCents").GetInt64());
        await (await w.PledgeAsync(idea, stranger, 300)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_neighbour");
        await (await w.PledgeAsync(Guid.CreateVersion7(), initiator, 300)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.PostAsync($"/api/v1/ideas/{idea}/pledges", initiator, new { amountCents = "veel" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        // A cheque nobody scanned yet cannot pledge, not even through a connector.
        var unscanned = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 8);
        await (await w.PostAsync($"/api/v1/ideas/{idea}/pledges", w.Moderator, new { amountCents = 300, onBehalf = true, chequeId = unscanned }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "cheque_not_usable");
        // Below the minimum is fine when it is all that is left.
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, initiator, 700), HttpStatusCode.Created);
        var rest = await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, initiator, 50), HttpStatusCode.Created);
        Assert.Equal(0, rest.GetProperty("availableCents").GetInt64());
        Assert.Equal(1, rest.GetProperty("households").GetInt32());
    }

    [Fact]
    public async Task a_household_takes_back_its_pledges_while_the_idea_is_open()
    {
        var (idea, initiator) = await IdeaOnAsync("Rozentuin", 2);
        var neighbour = await w.ResidentAsync(w.ProgramId, "Rozentuin", 3);
        await (await w.SendAsync(HttpMethod.Delete, $"/api/v1/ideas/{idea}/pledges/mine", neighbour))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "no_pledge");
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, neighbour, 200), HttpStatusCode.Created);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, neighbour, 300), HttpStatusCode.Created);
        Assert.Equal(500, (await w.GetJsonAsync("/api/v1/resident/cheque", neighbour)).GetProperty("pledgedCents").GetInt64());

        var back = await ApiWorld.OkJsonAsync(await w.SendAsync(HttpMethod.Delete, $"/api/v1/ideas/{idea}/pledges/mine", neighbour));

        Assert.Equal(500, back.GetProperty("withdrawnCents").GetInt64());
        Assert.Equal(750, back.GetProperty("availableCents").GetInt64());
        Assert.Equal(0, back.GetProperty("households").GetInt32());
        Assert.Equal(0, (await w.GetJsonAsync($"/api/v1/ideas/{idea}")).GetProperty("pledgedCents").GetInt64());
        _ = initiator;
    }

    [Fact]
    public async Task a_connector_pledges_on_behalf_and_the_event_says_so()
    {
        var (idea, _) = await IdeaOnAsync("Noordvaart", 1);
        var resident = await w.ResidentAsync(w.ProgramId, "Noordvaart", 2);
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Noordvaart", 2);

        var answer = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/ideas/{idea}/pledges", w.Moderator,
            new { amountCents = 250, onBehalf = true, chequeId }), HttpStatusCode.Created);

        Assert.Equal(500, answer.GetProperty("availableCents").GetInt64());
        var pledged = (await w.GetJsonAsync($"/api/v1/streams/{chequeId}/events", w.Auditor)).GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "credit_pledged");
        Assert.Equal($"staff:{w.ModeratorId}", pledged.GetProperty("actor").GetString());
        Assert.Equal(w.ModeratorId, pledged.GetProperty("data").GetProperty("onBehalfOfStaffId").GetGuid());
        Assert.Equal(250, (await w.GetJsonAsync("/api/v1/resident/cheque", resident)).GetProperty("pledgedCents").GetInt64());
        await (await w.PostAsync($"/api/v1/ideas/{idea}/pledges", w.Moderator, new { amountCents = 250, onBehalf = true }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await w.PostAsync($"/api/v1/ideas/{idea}/pledges", w.Moderator, new { amountCents = 250, onBehalf = true, chequeId = Guid.CreateVersion7() }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task the_initiator_collects_paper_cheques_as_far_as_the_rules_allow()
    {
        var (idea, initiator) = await IdeaOnAsync("Klaverweide", 1, target: 1200);
        var neighbour = await w.ResidentAsync(w.ProgramId, "Klaverweide", 2);
        var paper = ApiWorld.CodeFor(w.ProgramId, "Klaverweide", 3);

        await (await w.PostAsync($"/api/v1/ideas/{idea}/collect", neighbour, new { code = paper }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "not_initiator");
        await (await w.PostAsync($"/api/v1/ideas/{idea}/collect", initiator, new { code = "K7QM-3XRP-9T2C-X" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        // 1,200 needed from three households: a single cheque may give at most 1,200 - 2 x 100.
        var first = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/ideas/{idea}/collect", initiator, new { code = paper }), HttpStatusCode.Created);
        Assert.Equal(750, first.GetProperty("amountCents").GetInt64());
        Assert.Equal(1, first.GetProperty("households").GetInt32());
        Assert.Equal(750, first.GetProperty("availableCents").GetInt64());   // the initiator's own cheque is untouched
        var cheque = await w.GetJsonAsync($"/api/v1/cheques/{ApiWorld.ChequeOf(w.ProgramId, "Klaverweide", 3)}", w.Admin);
        Assert.Equal("activated", cheque.GetProperty("state").GetString());
        Assert.Equal(0, cheque.GetProperty("availableCents").GetInt64());
        var empty = await (await w.PostAsync($"/api/v1/ideas/{idea}/collect", initiator, new { code = paper }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_credit");
        Assert.Equal(0, empty.GetProperty("availableCents").GetInt64());
        var second = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/ideas/{idea}/collect", initiator,
            new { code = ApiWorld.CodeFor(w.ProgramId, "Klaverweide", 4) }), HttpStatusCode.Created);
        Assert.Equal(350, second.GetProperty("amountCents").GetInt64());   // 450 still needed, one household missing: 350
    }

    [Fact]
    public async Task a_retried_pledge_with_the_same_key_returns_the_first_answer_and_pledges_once()
    {
        var (idea, initiator) = await IdeaOnAsync("Kruidentuin", 2);
        var key = Guid.NewGuid().ToString();

        var first = await w.PledgeAsync(idea, initiator, 300, key);
        var retry = await w.PledgeAsync(idea, initiator, 300, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(300, (await w.GetJsonAsync($"/api/v1/ideas/{idea}")).GetProperty("pledgedCents").GetInt64());
        Assert.Equal(450, (await w.GetJsonAsync("/api/v1/resident/cheque", initiator)).GetProperty("availableCents").GetInt64());

        // The same key for something else is a clash no retry fixes.
        await (await w.PledgeAsync(idea, initiator, 200, key)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        // Another household's key space is its own.
        var neighbour = await w.ResidentAsync(w.ProgramId, "Kruidentuin", 3);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, neighbour, 300, key), HttpStatusCode.Created);
        await (await w.PledgeAsync(idea, initiator, 300, new string('x', 201))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [Fact]
    public async Task a_refused_pledge_is_replayed_as_the_same_refusal()
    {
        var (idea, initiator) = await IdeaOnAsync("Rozentuin", 4);
        var key = Guid.NewGuid().ToString();

        var first = await w.PledgeAsync(idea, initiator, 5000, key);
        var retry = await w.PledgeAsync(idea, initiator, 5000, key);

        await first.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_credit");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
        Assert.Equal("application/problem+json", retry.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task simultaneous_retries_with_one_key_pledge_once_and_all_get_the_same_answer()
    {
        var (idea, initiator) = await IdeaOnAsync("Rozentuin", 5);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => w.PledgeAsync(idea, initiator, 400, key)));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Equal(400, (await w.GetJsonAsync($"/api/v1/ideas/{idea}")).GetProperty("pledgedCents").GetInt64());
    }

    [Fact]
    public async Task a_pledge_that_committed_before_its_answer_was_stored_is_recovered_from_the_log_not_repeated()
    {
        var (idea, initiator) = await IdeaOnAsync("Noordvaart", 3);
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Noordvaart", 3);
        var actor = $"cheque:{chequeId}";
        var key = Guid.NewGuid().ToString();
        // The first attempt: the pledge committed with its key, then the process died before storing the answer.
        var bus = w.App.Services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>();
        await bus.InvokeCommandAsync(new Pledge(idea, chequeId, 300), new MessageContext(actor, null,
            new Dictionary<string, object> { [IdempotentRequests.EventHeader] = key }));
        await ClaimAsync(actor, key, IdempotentRequests.Fingerprint("pledge", idea, chequeId, 300L), DateTimeOffset.UtcNow.AddMinutes(-5));

        var retry = await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, initiator, 300, key), HttpStatusCode.Created);

        Assert.Equal(300, retry.GetProperty("amountCents").GetInt64());
        Assert.Equal(300, retry.GetProperty("pledgedCents").GetInt64());
        Assert.Equal(300, (await w.GetJsonAsync($"/api/v1/ideas/{idea}")).GetProperty("pledgedCents").GetInt64());

        // A stale claim whose command never committed is simply carried out by the retry.
        var other = Guid.NewGuid().ToString();
        await ClaimAsync(actor, other, IdempotentRequests.Fingerprint("pledge", idea, chequeId, 200L), DateTimeOffset.UtcNow.AddMinutes(-5));
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, initiator, 200, other), HttpStatusCode.Created);
        Assert.Equal(500, (await w.GetJsonAsync($"/api/v1/ideas/{idea}")).GetProperty("pledgedCents").GetInt64());
    }

    private async Task ClaimAsync(string actor, string key, byte[] fingerprint, DateTimeOffset created)
    {
        await using var db = NpgsqlDataSource.Create(w.App.ConnectionString);
        await using var cmd = db.CreateCommand(
            "insert into waardecheque.api_idempotency (actor, key, fingerprint, created) values ($1, $2, $3, $4)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        cmd.Parameters.Add(new NpgsqlParameter { Value = fingerprint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = created });
        await cmd.ExecuteNonQueryAsync();
    }
}
