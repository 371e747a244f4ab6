using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Programs;

public sealed class ProgramWorld : ApiWorld;

/// <summary>Setting up a program: create, read, open, close, import addresses, issue and print.</summary>
public sealed class ProgramEndpointTests(ProgramWorld w) : IClassFixture<ProgramWorld>
{
    [Fact]
    public async Task a_program_is_created_with_the_rule_books_defaults_for_rules_left_out()
    {
        var body = ApiWorld.ProgramBody(rules: new { minHouseholdsPerIdea = 4 });

        var created = await ApiWorld.OkJsonAsync(await w.PostAsync("/api/v1/programs", w.Admin, body), HttpStatusCode.Created);

        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(7, id.Version);
        var program = await w.GetJsonAsync($"/api/v1/programs/{id}", w.Auditor);
        Assert.Equal("Seghwaert Doet 2026", program.GetProperty("name").GetString());
        Assert.Equal("draft", program.GetProperty("state").GetString());
        Assert.Equal(3, program.GetProperty("buurten").GetArrayLength());
        var rules = program.GetProperty("rules");
        Assert.Equal(4, rules.GetProperty("minHouseholdsPerIdea").GetInt32());
        Assert.Equal(100, rules.GetProperty("minPledgeCents").GetInt64());
        Assert.Equal(150000, rules.GetProperty("maxIdeaTargetCents").GetInt64());
        Assert.True(rules.GetProperty("moderation").GetBoolean());
        var list = await w.GetJsonAsync("/api/v1/programs", w.Moderator);
        Assert.Contains(list.EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task times_with_a_dutch_offset_are_accepted_and_kept_as_the_same_instant()
    {
        var amsterdam = TimeSpan.FromHours(1);
        var opens = new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).ToOffset(amsterdam);
        var closes = new DateTimeOffset(DateTimeOffset.UtcNow.Year + 1, 1, 1, 0, 0, 0, amsterdam);

        var created = await ApiWorld.OkJsonAsync(await w.PostAsync("/api/v1/programs", w.Admin, ApiWorld.ProgramBody(opensAt: opens, closesAt: closes)),
            HttpStatusCode.Created);

        var program = await w.GetJsonAsync($"/api/v1/programs/{created.GetProperty("id").GetGuid()}", w.Admin);
        Assert.Equal(closes, program.GetProperty("closesAt").GetDateTimeOffset());
        Assert.Equal(opens, program.GetProperty("opensAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task a_program_with_bad_fields_is_refused_with_every_field_named()
    {
        var response = await w.PostAsync("/api/v1/programs", w.Admin, new
        {
            name = "",
            municipalityCode = "0637",
            buurten = new[] { new { code = "BU123", name = "" } },
            chequeValueCents = 0,
            opensAt = DateTimeOffset.UtcNow,
            closesAt = DateTimeOffset.UtcNow.AddDays(-1),
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "municipalityCode", "buurten[0].code", "buurten[0].name", "chequeValueCents", "closesAt" }, fields);
        await (await w.PostAsync("/api/v1/programs", w.Admin, new { name = "x" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await w.PostAsync("/api/v1/programs", w.Admin, ApiWorld.ProgramBody(rules: new { minPledgeCents = 1.5 })))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await w.SendAsync(HttpMethod.Post, "/api/v1/programs", w.Admin, new StringContent("{not json", Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task a_draft_program_is_only_visible_to_staff_and_opens_once()
    {
        var id = await w.CreateProgramAsync();

        await (await w.GetAsync($"/api/v1/programs/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("open", (await w.PostJsonAsync($"/api/v1/programs/{id}/open", w.Admin)).GetProperty("state").GetString());
        Assert.Equal("open", (await w.GetJsonAsync($"/api/v1/programs/{id}")).GetProperty("state").GetString());
        await (await w.PostAsync($"/api/v1/programs/{id}/open", w.Admin)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        Assert.Equal("closed", (await w.PostJsonAsync($"/api/v1/programs/{id}/close", w.Admin)).GetProperty("state").GetString());
        await (await w.PostAsync($"/api/v1/programs/{id}/cheques/issue", w.Admin)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.ImportAsync(id, ApiWorld.StandardCsv())).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
    }

    [Fact]
    public async Task closing_a_draft_program_is_invalid_state_and_an_unknown_program_is_not_found()
    {
        var id = await w.CreateProgramAsync();
        var unknown = Guid.CreateVersion7();

        await (await w.PostAsync($"/api/v1/programs/{id}/close", w.Admin)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.GetAsync($"/api/v1/programs/{unknown}", w.Admin)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.PostAsync($"/api/v1/programs/{unknown}/open", w.Admin)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.PostAsync($"/api/v1/programs/{unknown}/cheques/issue", w.Admin)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.ImportAsync(unknown, ApiWorld.StandardCsv())).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.GetAsync($"/api/v1/programs/{unknown}/audit", w.Auditor)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.GetAsync($"/api/v1/programs/{unknown}/journal.csv", w.Auditor)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.GetAsync($"/api/v1/programs/{unknown}/letters.pdf", w.Admin)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.GetAsync($"/api/v1/streams/{unknown}/events", w.Auditor)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task the_address_list_must_be_csv_in_utf8()
    {
        var id = await w.CreateProgramAsync();

        await (await w.ImportAsync(id, ApiWorld.StandardCsv(), "application/json")).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await w.ImportAsync(id, ApiWorld.StandardCsv(), "text/csv; charset=iso-8859-1"))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var latin1 = Encoding.Latin1.GetBytes("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n2716 BA,1,,,Rozentuin,BU06370301\n2716 BA,2,,,Caféplein,BU06370301\n");
        var mangled = await w.SendAsync(HttpMethod.Post, $"/api/v1/programs/{id}/households", w.Admin,
            new ByteArrayContent(latin1) { Headers = { ContentType = MediaTypeHeaderValue.Parse("text/csv") } });
        var problem = await mangled.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_rows");
        var row = Assert.Single(problem.GetProperty("rows").EnumerateArray());
        Assert.Equal(3, row.GetProperty("line").GetInt32());
        Assert.Contains("UTF-8", row.GetProperty("message").GetString());

        var tooBig = new ByteArrayContent(new byte[21 * 1024 * 1024]) { Headers = { ContentType = MediaTypeHeaderValue.Parse("text/csv") } };
        await (await w.SendAsync(HttpMethod.Post, $"/api/v1/programs/{id}/households", w.Admin, tooBig))
            .AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, (await w.GetJsonAsync($"/api/v1/programs/{id}", w.Admin)).GetProperty("households").GetInt32());

        // A semicolon file with a BOM, as Dutch spreadsheets save it, is fine.
        var excel = "\uFEFF" + ApiWorld.StandardCsv().Replace(',', ';');
        var imported = await ApiWorld.OkJsonAsync(await w.ImportAsync(id, excel, "text/csv; charset=utf-8"));
        Assert.Equal(ApiWorld.StandardHouseholds, imported.GetProperty("imported").GetInt32());
    }

    [Fact]
    public async Task the_letters_are_one_page_per_current_cheque_in_street_order_with_a_readable_qr_code()
    {
        var id = await w.OpenProgramAsync();
        // A blocked cheque gets no letter (a reissue prints the new one).
        await w.PostJsonAsync($"/api/v1/cheques/{ApiWorld.ChequeOf(id, "Rozentuin", 8)}/block", w.Admin, new { reason = "kwijt" });

        var response = await w.GetAsync($"/api/v1/programs/{id}/letters.pdf", w.Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var dir = Tools.TempDirectory();
        var pdf = Path.Combine(dir, "brieven.pdf");
        await File.WriteAllBytesAsync(pdf, await response.Content.ReadAsByteArrayAsync());
        Assert.Contains($"Pages:           {ApiWorld.StandardHouseholds - 1}", await Tools.RunAsync("pdfinfo", pdf));
        await Tools.RunAsync("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", pdf, Path.Combine(dir, "page"));
        var first = Directory.GetFiles(dir, "page*.png").Single();
        // Klaverweide comes first alphabetically.
        Assert.Equal(Waardecheque.Web.Features.Issuing.Printing.ChequeUrls.For("https://waardecheque.zoetermeer.example", ApiWorld.CodeFor(id, "Klaverweide", 1)),
            await Tools.DecodeQrAsync(first));
        var text = await Tools.RunAsync("pdftotext", "-f", "1", "-l", "1", pdf, "-");
        Assert.Contains("Klaverweide 1", text);
        Assert.Contains("ZOETERMEER", text.ToUpperInvariant());
    }
}
