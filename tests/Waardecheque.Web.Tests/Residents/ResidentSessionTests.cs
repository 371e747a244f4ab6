using System.Net;
using System.Text.Json;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Residents;

public sealed class ResidentSessionWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
    }
}

/// <summary>Signing in with the code on the letter, and what a resident gets to see.</summary>
public sealed class ResidentSessionTests(ResidentSessionWorld w) : IClassFixture<ResidentSessionWorld>
{
    private Task<HttpResponseMessage> SignInAsync(string? code, string? token = null, bool? onBehalf = null) =>
        w.PostAsync("/api/v1/resident/sessions", token, new { code, onBehalf });

    [Fact]
    public async Task the_first_scan_activates_the_cheque_and_later_scans_just_sign_in()
    {
        var code = ApiWorld.CodeFor(w.ProgramId, "Kruidentuin", 1);
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Kruidentuin", 1);
        Assert.Equal("issued", (await w.GetJsonAsync($"/api/v1/cheques/{chequeId}", w.Admin)).GetProperty("state").GetString());

        // Lower case, no dashes: what someone types from the letter.
        var first = await ApiWorld.OkJsonAsync(await SignInAsync(code.Replace("-", "").ToLowerInvariant()));
        var second = await ApiWorld.OkJsonAsync(await SignInAsync($"https://waardecheque.zoetermeer.example/c/{code}"));

        Assert.Equal("activated", first.GetProperty("cheque").GetProperty("state").GetString());
        Assert.Equal(chequeId, second.GetProperty("cheque").GetProperty("id").GetGuid());
        Assert.NotEqual(first.GetProperty("token").GetString(), second.GetProperty("token").GetString());
        var stream = await w.GetJsonAsync($"/api/v1/streams/{chequeId}/events", w.Auditor);
        Assert.Equal(["cheque_issued", "cheque_activated"], stream.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal($"cheque:{chequeId}", stream.GetProperty("events")[1].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task a_mistyped_code_is_invalid_code_and_an_unknown_one_is_not_found()
    {
        var code = ApiWorld.CodeFor(w.ProgramId, "Kruidentuin", 2);
        var typo = (code[0] == 'A' ? 'B' : 'A') + code[1..];

        await (await SignInAsync(typo)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        await (await SignInAsync("hallo")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        await (await SignInAsync(null)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        // Well-formed, right check character, but no cheque has it.
        var unknown = Waardecheque.Domain.Cheques.ChequeCode.FromValue(123456789).ToString();
        await (await SignInAsync(unknown)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_resident_sees_street_and_buurt_but_never_the_exact_address()
    {
        var token = await w.ResidentAsync(w.ProgramId, "Rozentuin", 5);

        var response = await w.GetAsync("/api/v1/resident/cheque", token);
        var text = await response.Content.ReadAsStringAsync();
        var cheque = JsonDocument.Parse(text).RootElement;

        Assert.Equal("Rozentuin", cheque.GetProperty("household").GetProperty("street").GetString());
        Assert.Equal(ApiWorld.Tuinen, cheque.GetProperty("household").GetProperty("buurtCode").GetString());
        Assert.Equal("Tuinen", cheque.GetProperty("household").GetProperty("buurtName").GetString());
        Assert.Equal(750, cheque.GetProperty("valueCents").GetInt64());
        Assert.DoesNotContain("2716", text);
        Assert.DoesNotContain("postcode", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("huisnummer", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("householdId", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_resident_never_sees_another_household()
    {
        var mine = await w.ResidentAsync(w.ProgramId, "Rozentuin", 6);
        var neighbour = await w.ResidentAsync(w.ProgramId, "Rozentuin", 7);
        var other = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 7);
        var idea = await w.OpenIdeaAsync(mine, ApiWorld.Street("Rozentuin"), 2000);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, neighbour, 300), HttpStatusCode.Created);

        // Not with the staff view, not on behalf, not through the idea.
        await (await w.GetAsync($"/api/v1/cheques/{other}", mine)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await w.GetAsync($"/api/v1/resident/cheque?onBehalf=true&chequeId={other}", mine))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var asResident = await w.GetAsync($"/api/v1/ideas/{idea}", mine);
        var text = await asResident.Content.ReadAsStringAsync();
        var detail = JsonDocument.Parse(text).RootElement;
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("pledges").ValueKind);
        Assert.Equal(300, detail.GetProperty("pledgedCents").GetInt64());
        Assert.Equal(0, detail.GetProperty("mine").GetProperty("pledgedCents").GetInt64());
        Assert.True(detail.GetProperty("mine").GetProperty("initiator").GetBoolean());
        Assert.DoesNotContain(other.ToString(), text);
        Assert.DoesNotContain("householdId", text);

        // Staff do see who pledged.
        var asStaff = await w.GetJsonAsync($"/api/v1/ideas/{idea}", w.Moderator);
        Assert.Equal(other, asStaff.GetProperty("pledges")[0].GetProperty("chequeId").GetGuid());
    }

    [Fact]
    public async Task a_blocked_cheque_loses_its_sessions_and_cannot_sign_in_again()
    {
        var code = ApiWorld.CodeFor(w.ProgramId, "Noordvaart", 2);
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Noordvaart", 2);
        var token = await w.ResidentAsync(w.ProgramId, "Noordvaart", 2);

        var blocked = await w.PostJsonAsync($"/api/v1/cheques/{chequeId}/block", w.Admin, new { reason = "Brief kwijt" });

        Assert.Equal("blocked", blocked.GetProperty("state").GetString());
        Assert.Equal("Brief kwijt", blocked.GetProperty("blockedReason").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await w.GetAsync("/api/v1/resident/cheque", token)).StatusCode);
        await (await SignInAsync(code)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "cheque_not_usable");
        await (await w.PostAsync($"/api/v1/cheques/{chequeId}/block", w.Admin, new { reason = "nogmaals" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.PostAsync($"/api/v1/cheques/{chequeId}/block", w.Admin, new { reason = "" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [Fact]
    public async Task a_reissued_cheque_carries_its_credit_to_a_new_code_and_the_old_code_stops_working()
    {
        var oldCode = ApiWorld.CodeFor(w.ProgramId, "Noordvaart", 3);
        var oldId = ApiWorld.ChequeOf(w.ProgramId, "Noordvaart", 3);
        var token = await w.ResidentAsync(w.ProgramId, "Noordvaart", 3);
        var idea = await w.OpenIdeaAsync(token, ApiWorld.Buurt(ApiWorld.Vaarten), 3000);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, token, 250), HttpStatusCode.Created);

        var reissued = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/cheques/{oldId}/reissue", w.Admin), HttpStatusCode.Created);

        var newId = reissued.GetProperty("chequeId").GetGuid();
        var newCode = reissued.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.$", newCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await w.GetAsync("/api/v1/resident/cheque", token)).StatusCode);
        await (await SignInAsync(oldCode)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "cheque_not_usable");
        var fresh = await ApiWorld.OkJsonAsync(await SignInAsync(newCode));
        Assert.Equal(newId, fresh.GetProperty("cheque").GetProperty("id").GetGuid());
        Assert.Equal(500, fresh.GetProperty("cheque").GetProperty("availableCents").GetInt64());
        // The household's pledge made with the old cheque is still its own.
        Assert.Equal(250, fresh.GetProperty("cheque").GetProperty("pledgedCents").GetInt64());
        await (await w.PostAsync($"/api/v1/cheques/{oldId}/reissue", w.Admin)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.PostAsync($"/api/v1/cheques/{Guid.CreateVersion7()}/reissue", w.Admin)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_connector_activates_on_behalf_without_getting_a_resident_token()
    {
        var code = ApiWorld.CodeFor(w.ProgramId, "Klaverweide", 1);
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Klaverweide", 1);

        var answer = await ApiWorld.OkJsonAsync(await SignInAsync(code, w.Moderator, onBehalf: true));

        Assert.Equal(JsonValueKind.Null, answer.GetProperty("token").ValueKind);
        Assert.Equal("activated", answer.GetProperty("cheque").GetProperty("state").GetString());
        var activated = (await w.GetJsonAsync($"/api/v1/streams/{chequeId}/events", w.Auditor)).GetProperty("events")[1];
        Assert.Equal($"staff:{w.ModeratorId}", activated.GetProperty("actor").GetString());
        Assert.Equal(w.ModeratorId, activated.GetProperty("data").GetProperty("onBehalfOfStaffId").GetGuid());
        await (await SignInAsync(code, w.Auditor, onBehalf: true)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task the_qr_code_points_at_the_cheque_link_and_is_never_cached()
    {
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Klaverweide", 2);
        var expected = Waardecheque.Web.Features.Issuing.Printing.ChequeUrls.For("https://waardecheque.zoetermeer.example", ApiWorld.CodeFor(w.ProgramId, "Klaverweide", 2));

        var png = await w.GetAsync($"/api/v1/cheques/{chequeId}/qr.png", w.Admin);
        var svg = await w.GetAsync($"/api/v1/cheques/{chequeId}/qr.svg", w.Admin);

        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", png.Headers.CacheControl?.ToString());
        var file = Path.Combine(Tools.TempDirectory(), "qr.png");
        await File.WriteAllBytesAsync(file, await png.Content.ReadAsByteArrayAsync());
        Assert.Equal(expected, await Tools.DecodeQrAsync(file));
        Assert.StartsWith("<svg", (await svg.Content.ReadAsStringAsync()).TrimStart().Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "").TrimStart());
        await (await w.GetAsync($"/api/v1/cheques/{Guid.CreateVersion7()}/qr.png", w.Admin)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class CodeRateLimitWorld : ApiWorld
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [WebConfig.CodeAttemptLimit] = "3" };
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
    }
}

/// <summary>Guessing codes is limited per client address; this class has the limit to itself.</summary>
public sealed class CodeRateLimitTests(CodeRateLimitWorld w) : IClassFixture<CodeRateLimitWorld>
{
    [Fact]
    public async Task failed_code_attempts_run_out_and_then_even_a_good_code_waits()
    {
        var good = ApiWorld.CodeFor(w.ProgramId, "Rozentuin", 1);
        var unknown = Waardecheque.Domain.Cheques.ChequeCode.FromValue(42).ToString();
        var initiator = await w.ResidentAsync(w.ProgramId, "Rozentuin", 2);
        var idea = await w.OpenIdeaAsync(initiator, ApiWorld.Street("Rozentuin"), 2000);

        // Successes do not count, and do not reset the count either; a malformed code is no guess and does not count;
        // a collected paper cheque is a guess like any other.
        await ApiWorld.OkJsonAsync(await w.PostAsync("/api/v1/resident/sessions", null, new { code = good }));
        await (await w.PostAsync("/api/v1/resident/sessions", null, new { code = unknown })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        for (var i = 0; i < 5; i++)
            await (await w.PostAsync("/api/v1/resident/sessions", null, new { code = "XXXX" })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        await ApiWorld.OkJsonAsync(await w.PostAsync("/api/v1/resident/sessions", null, new { code = good }));
        await (await w.PostAsync("/api/v1/resident/sessions", null, new { code = unknown })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.PostAsync($"/api/v1/ideas/{idea}/collect", initiator, new { code = unknown })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var limited = await w.PostAsync("/api/v1/resident/sessions", null, new { code = good });
        var collect = await w.PostAsync($"/api/v1/ideas/{idea}/collect", initiator, new { code = good });

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) > 0);
        await collect.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        // A connector at the walk-in point is staff and is not limited by the residents' count.
        await ApiWorld.OkJsonAsync(await w.PostAsync("/api/v1/resident/sessions", w.Moderator, new { code = good, onBehalf = true }));
    }
}
