using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Expenses;

public sealed class ExpenseWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }
    public Guid FundedIdea { get; private set; }
    public string Initiator { get; private set; } = "";
    public string Neighbour { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        Initiator = await ResidentAsync(ProgramId, "Rozentuin", 1);
        Neighbour = await ResidentAsync(ProgramId, "Rozentuin", 2);
        var third = await ResidentAsync(ProgramId, "Rozentuin", 3);
        FundedIdea = await OpenIdeaAsync(Initiator, Street("Rozentuin"), 2250);
        foreach (var token in new[] { Initiator, Neighbour, third })
            await OkJsonAsync(await PledgeAsync(FundedIdea, token, 750), HttpStatusCode.Created);
    }
}

/// <summary>Spending a funded idea: receipts, the budget, and who may decide.</summary>
public sealed class ExpenseTests(ExpenseWorld w) : IClassFixture<ExpenseWorld>
{
    private Task<HttpResponseMessage> SubmitAsync(string token, HttpContent form, Guid? idea = null) =>
        w.PostAsync($"/api/v1/ideas/{idea ?? w.FundedIdea}/expenses", token, form);

    [Fact]
    public async Task an_expense_needs_a_real_receipt_and_a_whole_amount()
    {
        var noFile = new MultipartFormDataContent { { new StringContent("100"), "amountCents" }, { new StringContent("Winkel"), "payee" },
            { new StringContent("Iets"), "description" } };
        var problem = await (await SubmitAsync(w.Initiator, noFile)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("receipt", out _));

        var html = ApiWorld.ExpenseForm(100, Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "bon.pdf");
        await (await SubmitAsync(w.Initiator, html)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        var huge = new byte[8 * 1024 * 1024 + 1];
        "%PDF-"u8.CopyTo(huge);
        await (await SubmitAsync(w.Initiator, ApiWorld.ExpenseForm(100, huge))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await SubmitAsync(w.Initiator, ApiWorld.ExpenseForm(0, ApiWorld.PdfReceipt))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        var noPayee = ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt, payee: "");
        await (await SubmitAsync(w.Initiator, noPayee)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        await (await SubmitAsync(w.Initiator, new StringContent("{\"amountCents\":100}", Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var words = new MultipartFormDataContent { { new StringContent("honderd"), "amountCents" } };
        await (await SubmitAsync(w.Initiator, words)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [Fact]
    public async Task only_the_initiator_submits_and_only_for_a_funded_idea()
    {
        await (await SubmitAsync(w.Neighbour, ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt)))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "not_initiator");
        var open = await w.OpenIdeaAsync(w.Initiator, ApiWorld.Street("Rozentuin"), 3000);
        await (await SubmitAsync(w.Initiator, ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt), open))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.PostAsync($"/api/v1/ideas/{open}/complete", w.Moderator)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await SubmitAsync(w.Initiator, ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt), Guid.CreateVersion7()))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task the_receipt_is_kept_with_its_hash_and_shown_to_staff_and_the_submitter_only()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4 };
        var form = ApiWorld.ExpenseForm(250, png, "kassabon.png");
        var created = await ApiWorld.OkJsonAsync(await SubmitAsync(w.Initiator, form), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png));
        Assert.Equal(sha, created.GetProperty("receiptSha256").GetString());

        var asStaff = await w.GetAsync($"/api/v1/expenses/{id}/receipt", w.Auditor);
        Assert.Equal(HttpStatusCode.OK, asStaff.StatusCode);
        Assert.Equal("image/png", asStaff.Content.Headers.ContentType?.MediaType);   // what the bytes are, not what was claimed
        Assert.Equal(png, await asStaff.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", asStaff.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/expenses/{id}/receipt", w.Initiator)).StatusCode);
        await (await w.GetAsync($"/api/v1/expenses/{id}/receipt", w.Neighbour)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var detail = await w.GetJsonAsync($"/api/v1/ideas/{w.FundedIdea}", w.Initiator);
        var expense = detail.GetProperty("expenses").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == id);
        Assert.Equal("submitted", expense.GetProperty("state").GetString());
        var events = (await w.GetJsonAsync($"/api/v1/streams/{w.FundedIdea}/events", w.Auditor)).GetProperty("events").EnumerateArray();
        var submitted = events.Single(e => e.GetProperty("type").GetString() == "expense_submitted"
                                           && e.GetProperty("data").GetProperty("expenseId").GetGuid() == id);
        Assert.EndsWith($":sha256:{sha}", submitted.GetProperty("data").GetProperty("receiptReference").GetString());
        var neighbourView = await w.GetJsonAsync($"/api/v1/ideas/{w.FundedIdea}", w.Neighbour);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, neighbourView.GetProperty("expenses").ValueKind);

        Assert.Equal("approved", (await w.PostJsonAsync($"/api/v1/expenses/{id}/approve", w.Moderator)).GetProperty("state").GetString());
        await (await w.PostAsync($"/api/v1/expenses/{id}/approve", w.Moderator2)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.PostAsync($"/api/v1/expenses/{id}/reject", w.Moderator2, new { reason = "te laat" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_state");
        await (await w.PostAsync($"/api/v1/expenses/{id}/paid", w.Moderator2, new { reference = "" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [Fact]
    public async Task an_unknown_expense_is_not_found()
    {
        var unknown = Guid.CreateVersion7();
        await (await w.PostAsync($"/api/v1/expenses/{unknown}/approve", w.Moderator)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.PostAsync($"/api/v1/expenses/{unknown}/paid", w.Moderator, new { reference = "x" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.GetAsync($"/api/v1/expenses/{unknown}/receipt", w.Moderator)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
