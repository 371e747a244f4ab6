using System.Net;
using System.Text.Json;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Issuing;

public sealed class CodeDisclosureWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }
    public Guid AdminId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        var staff = await GetJsonAsync("/api/v1/staff", Admin);
        AdminId = staff.EnumerateArray().Single(s => s.GetProperty("email").GetString() == TestApp.AdminEmail).GetProperty("id").GetGuid();
    }
}

/// <summary>
/// DOMAIN.md "Who sees a code": only the municipality gets codes out of the system (QR pictures, letters, reissue),
/// and each time it does, the cheque's own record names the staff member. A connector never gets a code.
/// </summary>
public sealed class CodeDisclosureTests(CodeDisclosureWorld w) : IClassFixture<CodeDisclosureWorld>
{
    [Fact]
    public async Task a_qr_picture_is_for_the_municipality_and_each_fetch_is_on_the_cheques_record()
    {
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 4);

        await (await w.GetAsync($"/api/v1/cheques/{chequeId}/qr.png", w.Moderator)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await DisclosuresAsync(chequeId, "QrCode"));
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/cheques/{chequeId}/qr.svg", w.Admin)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/cheques/{chequeId}/qr.png", w.Admin)).StatusCode);

        var disclosures = await DisclosuresAsync(chequeId, "QrCode");
        Assert.Equal(2, disclosures.Count);
        Assert.All(disclosures, d => AssertBy(d, w.AdminId, "QrCode"));
    }

    [Fact]
    public async Task printing_letters_records_a_disclosure_on_every_cheque_that_gets_a_page_and_on_no_other()
    {
        var printed = ApiWorld.ChequeOf(w.ProgramId, "Klaverweide", 1);
        var blocked = ApiWorld.ChequeOf(w.ProgramId, "Klaverweide", 3);
        await w.PostJsonAsync($"/api/v1/cheques/{blocked}/block", w.Admin, new { reason = "kwijt" });

        var response = await w.GetAsync($"/api/v1/programs/{w.ProgramId}/letters.pdf", w.Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertBy(Assert.Single(await DisclosuresAsync(printed, "Letter")), w.AdminId, "Letter");
        Assert.Empty(await DisclosuresAsync(blocked, "Letter"));   // a blocked cheque gets no letter, so its code was not shown
    }

    [Fact]
    public async Task the_new_code_of_a_reissue_is_recorded_as_shown_to_the_admin_who_reissued()
    {
        var oldId = ApiWorld.ChequeOf(w.ProgramId, "Noordvaart", 2);

        var reissued = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/cheques/{oldId}/reissue", w.Admin), HttpStatusCode.Created);

        AssertBy(Assert.Single(await DisclosuresAsync(reissued.GetProperty("chequeId").GetGuid(), "Reissue")), w.AdminId, "Reissue");
    }

    [Fact]
    public async Task a_head_request_shows_no_code_and_so_records_no_disclosure()
    {
        var programId = await w.OpenProgramAsync();   // its own cheques: no other test prints their letters
        var chequeId = ApiWorld.ChequeOf(programId, "Rozentuin", 1);

        var qr = await w.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/cheques/{chequeId}/qr.png")
            { Headers = { Authorization = new("Bearer", w.Admin) } });
        var letters = await w.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/programs/{programId}/letters.pdf")
            { Headers = { Authorization = new("Bearer", w.Admin) } });

        Assert.Equal((HttpStatusCode.OK, "image/png"), (qr.StatusCode, qr.Content.Headers.ContentType?.MediaType));
        Assert.Equal((HttpStatusCode.OK, "application/pdf"), (letters.StatusCode, letters.Content.Headers.ContentType?.MediaType));
        Assert.Empty(await qr.Content.ReadAsByteArrayAsync());
        Assert.Empty(await DisclosuresAsync(chequeId, "QrCode"));
        Assert.Empty(await DisclosuresAsync(chequeId, "Letter"));
    }

    [Fact]
    public async Task a_connector_cannot_read_the_events_of_a_cheque()
    {
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 5);

        await (await w.GetAsync($"/api/v1/streams/{chequeId}/events", w.Moderator)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/streams/{chequeId}/events", w.Auditor)).StatusCode);
    }

    /// <summary>The cheque's disclosures of one kind (the tests share one program, so letters touch every cheque).</summary>
    private async Task<List<JsonElement>> DisclosuresAsync(Guid chequeId, string how) =>
        [.. (await w.GetJsonAsync($"/api/v1/streams/{chequeId}/events", w.Auditor)).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "cheque_code_disclosed" &&
                        e.GetProperty("data").GetProperty("how").GetString() == how)];

    private static void AssertBy(JsonElement disclosure, Guid staffId, string how)
    {
        Assert.Equal($"staff:{staffId}", disclosure.GetProperty("actor").GetString());
        Assert.Equal(staffId, disclosure.GetProperty("data").GetProperty("byStaffId").GetGuid());
        Assert.Equal(how, disclosure.GetProperty("data").GetProperty("how").GetString());
    }
}
