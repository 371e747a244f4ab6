using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.Ideas;
using Waardecheque.Web.Features.Pledging;
using Waardecheque.Web.Features.Programs;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api;

public sealed class InputWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
    }

    public async Task<long> EventCountAsync()
    {
        await using var db = NpgsqlDataSource.Create(App.ConnectionString);
        await using var cmd = db.CreateCommand("select count(*) from mt_events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public Task<HttpResponseMessage> RawJsonAsync(HttpMethod method, string url, string? token, string json) =>
        SendAsync(method, url, token, new StringContent(json, Encoding.UTF8, "application/json"));
}

/// <summary>
/// DOMAIN.md "Text and numbers from outside" over HTTP: what used to crash (a NUL reaching PostgreSQL) or be guessed
/// at (numbers as strings, duplicate keys) is a clear 4xx with a code, and nothing is stored.
/// </summary>
public sealed class InputTests(InputWorld w) : IClassFixture<InputWorld>
{
    [Fact]
    public async Task a_nul_in_a_program_name_is_validation_failed_and_nothing_is_stored()
    {
        var before = await w.EventCountAsync();
        var body = JsonSerializer.Serialize(ApiWorld.ProgramBody(), JsonSerializerOptions.Web).Replace("Seghwaert Doet 2026", "Seghwaert\\u0000Doet");

        var response = await w.RawJsonAsync(HttpMethod.Post, "/api/v1/programs", w.Admin, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(before, await w.EventCountAsync());
    }

    [Theory]
    [InlineData("street=Rozen%00tuin", "street")]
    [InlineData("buurt=BU0637%000301", "buurt")]
    [InlineData("state=open%00", "state")]
    [InlineData("street=Rozen%09tuin", "street")]
    public async Task a_control_character_in_the_public_idea_filters_is_validation_failed_not_a_crash(string query, string field)
    {
        var response = await w.GetAsync($"/api/v1/programs/{w.ProgramId}/ideas?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task a_nul_in_a_staff_email_is_validation_failed_not_a_crash()
    {
        var response = await w.RawJsonAsync(HttpMethod.Post, "/api/v1/staff/sessions", null,
            """{"email":"beheer\u0000@zoetermeer.example","password":"een lang demowachtwoord"}""");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task a_nul_in_the_email_on_the_sign_in_page_is_refused_not_a_crash()
    {
        var page = PageClient.Anonymous(w.App);

        var response = await page.PostFormAsync("/beheer/inloggen", "/beheer/inloggen",
            new() { ["email"] = "beheer\0@zoetermeer.example", ["password"] = "een lang demowachtwoord" });

        // The framework's form reading already refuses it (400); behind it the account lookup answers "unknown".
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await w.App.Services.GetRequiredService<StaffAccounts>().VerifyAsync("beheer\0@zoetermeer.example", "een lang demowachtwoord"));
    }

    [Fact]
    public async Task the_empty_id_is_an_unknown_idea_not_a_crash()
    {
        var response = await w.PostAsync($"/api/v1/ideas/{Guid.Empty}/approve", w.Moderator);

        Assert.True(response.StatusCode == HttpStatusCode.NotFound,
            $"{response.StatusCode} {string.Join("", w.App.Log.Events.Where(e => e.Exception is not null).Select(e => e.Exception!.ToString()))}");
    }

    [Fact]
    public async Task a_cheque_worth_more_than_a_thousand_euros_is_refused()
    {
        var body = JsonSerializer.Serialize(ApiWorld.ProgramBody(), JsonSerializerOptions.Web).Replace("\"chequeValueCents\":750", "\"chequeValueCents\":100001");

        var response = await w.RawJsonAsync(HttpMethod.Post, "/api/v1/programs", w.Admin, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("chequeValueCents", out _));
    }

    [Theory]
    [InlineData("""{"amountCents":"150"}""")]                         // a number as a string: no guessing
    [InlineData("""{"amountCents":150,"amountCents":750}""")]           // which one was meant? neither
    [InlineData("""{"amountCents":150,"AMOUNTCENTS":750}""")]           // the same key in another case is the same key
    [InlineData("""{"amountCents":1e400}""")]
    public async Task an_ambiguous_pledge_body_is_400_and_pledges_nothing(string json)
    {
        var resident = await w.ResidentAsync(w.ProgramId, "Rozentuin", 1);
        var idea = await w.OpenIdeaAsync(resident, ApiWorld.Street("Rozentuin"), 2000);
        var before = await w.EventCountAsync();

        var response = await w.RawJsonAsync(HttpMethod.Post, $"/api/v1/ideas/{idea}/pledges", resident, json);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(before, await w.EventCountAsync());
    }

    [Fact]
    public async Task head_answers_like_get_without_a_body()
    {
        var get = await w.SendAsync(HttpMethod.Get, $"/api/v1/programs/{w.ProgramId}/ideas");
        var head = await w.SendAsync(HttpMethod.Head, $"/api/v1/programs/{w.ProgramId}/ideas");
        var headStaff = await w.SendAsync(HttpMethod.Head, $"/api/v1/programs/{w.ProgramId}", w.Admin);
        var headMissing = await w.SendAsync(HttpMethod.Head, $"/api/v1/programs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "application/json"), (head.StatusCode, head.Content.Headers.ContentType?.MediaType));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, headStaff.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (headMissing.StatusCode, headMissing.Content.Headers.ContentType?.MediaType));
        Assert.Empty(await headMissing.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task money_in_the_openapi_document_is_a_plain_int64_integer()
    {
        var document = await w.GetJsonAsync("/openapi/v1.json");

        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var (schema, property) in new[] { ("PledgeRequest", "amountCents"), ("CreateProgramRequest", "chequeValueCents"),
                     ("ProposeIdeaRequest", "targetCents"), ("RulesRequest", "maxTopUpCents") })
        {
            var money = schemas.GetProperty(schema).GetProperty("properties").GetProperty(property);
            var types = money.GetProperty("type").ValueKind == JsonValueKind.Array
                ? money.GetProperty("type").EnumerateArray().Select(t => t.GetString()).ToList()
                : [money.GetProperty("type").GetString()];
            Assert.Contains("integer", types);
            Assert.DoesNotContain("string", types);
            Assert.DoesNotContain("number", types);
            Assert.Equal("int64", money.GetProperty("format").GetString());
        }
    }
}
