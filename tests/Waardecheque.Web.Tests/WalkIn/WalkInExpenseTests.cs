using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Households;
using Waardecheque.Web.Database;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.WalkIn;

/// <summary>Rozentuin 1 proposed an idea that Rozentuin 1, 2 and 3 funded; Rozentuin 2 only gave money to it.</summary>
public sealed class WalkInExpenseWorld : ApiWorld
{
    public const string IdeaTitle = "Bloembakken in de Rozentuin";
    public Guid ProgramId { get; private set; }
    public Guid FundedIdea { get; private set; }
    public string Initiator { get; private set; } = "";
    public Guid InitiatorHousehold => Household.IdFor(ProgramId, Household.AddressKeyOf("2716 BA", 1, null, null));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        Initiator = await ResidentAsync(ProgramId, "Rozentuin", 1);
        var neighbours = new[] { await ResidentAsync(ProgramId, "Rozentuin", 2), await ResidentAsync(ProgramId, "Rozentuin", 3) };
        FundedIdea = await ProposeAsync(Initiator, IdeaTitle, Street("Rozentuin"), 2250);
        await PostJsonAsync($"/api/v1/ideas/{FundedIdea}/approve", Moderator);
        foreach (var token in neighbours.Prepend(Initiator))
            await OkJsonAsync(await PledgeAsync(FundedIdea, token, 750), HttpStatusCode.Created);
    }

    /// <summary>The connector's browser, signed in through the staff sign-in page.</summary>
    public Task<PageClient> ConnectorAsync() => PageClient.SignInAsync(App, "verbinder@zoetermeer.example", "een lang demowachtwoord");

    /// <summary>The funded idea's expenses as the initiator's household sees them over the API.</summary>
    public async Task<List<JsonElement>> ExpensesAsync() =>
        (await GetJsonAsync($"/api/v1/ideas/{FundedIdea}", Initiator)).GetProperty("expenses").EnumerateArray().ToList();

    public async Task<long> ReceiptFilesAsync()
    {
        var table = App.Services.GetRequiredService<DbSchema>().Table("receipts");
        await using var cmd = App.Services.GetRequiredService<StoreHolder>().Store.DataSource.CreateCommand($"select count(*) from {table}");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// "Uitgave indienen namens de bewoner" on the walk-in page (<c>/beheer/inloop</c>), over HTTP as a browser without
/// JavaScript uses it: the connector finds the initiator's cheque, then posts the expense form with a receipt file.
/// </summary>
public sealed partial class WalkInExpenseTests(WalkInExpenseWorld w) : IClassFixture<WalkInExpenseWorld>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task a_connector_submits_an_expense_with_its_receipt_for_the_initiator_and_the_event_says_who_did_it()
    {
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 1);
        Assert.Contains("Uitgave indienen namens de bewoner", found.Html);
        Assert.Contains($"<option value=\"{w.FundedIdea}\">{WalkInExpenseWorld.IdeaTitle}</option>", found.Html);

        var response = await SubmitAsync(desk, found, 1, "12,50", "Tuincentrum Seghwaert", "Vier bloembakken", Png, "kassabon.png");

        var html = await HtmlAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Gelukt: uitgave van € 12,50 voor \"{WalkInExpenseWorld.IdeaTitle}\" ingediend namens de bewoner.", html);
        Assert.DoesNotContain("value=\"Tuincentrum Seghwaert\"", html);   // a fresh form for the next receipt

        var expense = (await w.ExpensesAsync()).Single(e => e.GetProperty("payee").GetString() == "Tuincentrum Seghwaert");
        Assert.Equal(1250, expense.GetProperty("amountCents").GetInt64());
        Assert.Equal("submitted", expense.GetProperty("state").GetString());
        Assert.True(expense.GetProperty("submittedOnBehalf").GetBoolean());
        var receipt = await w.GetAsync(expense.GetProperty("receiptUrl").GetString()!, w.Auditor);
        Assert.Equal("image/png", receipt.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await receipt.Content.ReadAsByteArrayAsync());

        var events = (await w.GetJsonAsync($"/api/v1/streams/{w.FundedIdea}/events", w.Auditor)).GetProperty("events").EnumerateArray();
        var submitted = events.Single(e => e.GetProperty("type").GetString() == "expense_submitted"
                                           && e.GetProperty("data").GetProperty("expenseId").GetGuid() == expense.GetProperty("id").GetGuid());
        Assert.Equal($"staff:{w.ModeratorId}", submitted.GetProperty("actor").GetString());
        // The event names the household that acts and the staff member who acted for it (ExpenseSubmitted calls the
        // command's OnBehalfOfStaffId "submittedByStaffId").
        Assert.Equal(w.ModeratorId, submitted.GetProperty("data").GetProperty("submittedByStaffId").GetGuid());
        Assert.Equal(w.InitiatorHousehold, submitted.GetProperty("data").GetProperty("submittedByHouseholdId").GetGuid());
        Assert.EndsWith($":sha256:{Convert.ToHexStringLower(SHA256.HashData(Png))}",
            submitted.GetProperty("data").GetProperty("receiptReference").GetString());

        // Four eyes: the connector who submitted it may not approve it (the domain's rule, as for the API).
        await (await w.PostAsync($"/api/v1/expenses/{expense.GetProperty("id").GetGuid()}/approve", w.Moderator))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "same_person");
    }

    [Fact]
    public async Task an_amount_that_is_not_euros_is_refused_next_to_its_field_and_nothing_is_stored()
    {
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 1);
        var (expenses, files) = ((await w.ExpensesAsync()).Count, await w.ReceiptFilesAsync());

        var response = await SubmitAsync(desk, found, 1, "twaalf euro", "Bouwmarkt Vaart", "Schroeven", ApiWorld.PdfReceipt, "bon.pdf");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains("<a href=\"#expense-amount\">Vul een bedrag in euro in, bijvoorbeeld 2,50.</a>", html);
        Assert.Contains("<span class=\"error\" id=\"expense-amount-error\">Vul een bedrag in euro in, bijvoorbeeld 2,50.</span>", html);
        Assert.Matches("id=\"expense-amount\"[^>]*value=\"twaalf euro\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"expense-amount-error\"", html);
        Assert.Contains("value=\"Bouwmarkt Vaart\"", html);   // what was typed stays
        Assert.DoesNotContain("id=\"description-error\"", html);   // the proposal's fields are not the expense's
        Assert.Equal(expenses, (await w.ExpensesAsync()).Count);
        Assert.Equal(files, await w.ReceiptFilesAsync());
    }

    [Fact]
    public async Task a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_next_to_its_field_and_nothing_is_stored()
    {
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 1);
        var (expenses, files) = ((await w.ExpensesAsync()).Count, await w.ReceiptFilesAsync());

        var html = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        var response = await SubmitAsync(desk, found, 1, "4,00", "Bouwmarkt Vaart", "Schroeven", html, "bon.pdf");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await HtmlAsync(response);
        Assert.Contains("<a href=\"#expense-receipt\">Een bon is een PDF, JPEG of PNG.</a>", page);
        Assert.Contains("<span class=\"error\" id=\"expense-receipt-error\">Een bon is een PDF, JPEG of PNG.</span>", page);
        Assert.Matches("id=\"expense-receipt\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"expense-receipt-hint expense-receipt-error\"", page);
        Assert.Equal(expenses, (await w.ExpensesAsync()).Count);
        Assert.Equal(files, await w.ReceiptFilesAsync());
    }

    [Fact]
    public async Task a_rule_of_the_domain_is_shown_as_it_is_and_its_receipt_is_removed_again()
    {
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 1);
        var (expenses, files) = ((await w.ExpensesAsync()).Count, await w.ReceiptFilesAsync());

        var response = await SubmitAsync(desk, found, 1, "1.000,00", "Bouwmarkt Vaart", "Een schuur", ApiWorld.PdfReceipt, "bon.pdf");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Matches("Er is nog € [0-9.,]+ over van het budget.", await HtmlAsync(response));
        Assert.Equal(expenses, (await w.ExpensesAsync()).Count);
        Assert.Equal(files, await w.ReceiptFilesAsync());
    }

    [Fact]
    public async Task a_resident_who_did_not_propose_the_idea_gets_no_expense_form_and_the_domain_refuses_a_forged_one()
    {
        var desk = await w.ConnectorAsync();
        var neighbour = await FindAsync(desk, 2);
        Assert.Contains("data-testid=\"cheque-state\"", neighbour.Html);
        Assert.DoesNotContain("Uitgave indienen namens de bewoner", neighbour.Html);
        Assert.DoesNotContain("data-testid=\"expense-form\"", neighbour.Html);

        // The same post for the neighbour's cheque (as if the form were there): the domain says no, nothing is kept.
        var initiator = await FindAsync(desk, 1);
        var (expenses, files) = ((await w.ExpensesAsync()).Count, await w.ReceiptFilesAsync());
        var response = await SubmitAsync(desk, initiator, 2, "3,00", "Bouwmarkt Vaart", "Schroeven", ApiWorld.PdfReceipt, "bon.pdf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Alleen wie het idee heeft voorgesteld kan uitgaven indienen.", await HtmlAsync(response));
        Assert.Equal(expenses, (await w.ExpensesAsync()).Count);
        Assert.Equal(files, await w.ReceiptFilesAsync());
    }

    [Fact]
    public async Task the_form_reads_in_english_when_english_is_chosen()
    {
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 1, "?lang=en");   // the language chosen on the page is remembered for the post
        Assert.Contains("Submit an expense on behalf of the resident", found.Html);
        Assert.Contains("For which idea?", found.Html);
    }

    // ---- the page as a browser sends it

    private sealed record Found(string Html, string Antiforgery);

    /// <summary>Types the code of a Rozentuin household's letter into the walk-in page.</summary>
    private async Task<Found> FindAsync(PageClient desk, int number, string query = "")
    {
        var response = await desk.PostFormAsync("/beheer/inloop" + query, "/beheer/inloop?handler=Find",
            new() { ["code"] = ApiWorld.CodeFor(w.ProgramId, "Rozentuin", number) });
        var html = await HtmlAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, "no antiforgery token on the walk-in page");
        return new Found(html, token.Groups[1].Value);
    }

    /// <summary>The expense form as multipart/form-data, for the cheque of Rozentuin <paramref name="number"/>.</summary>
    private async Task<HttpResponseMessage> SubmitAsync(PageClient desk, Found page, int number, string amount, string payee, string description,
        byte[] receipt, string fileName)
    {
        var file = new ByteArrayContent(receipt);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        var form = new MultipartFormDataContent
        {
            { new StringContent(page.Antiforgery), "__af" },
            { new StringContent(ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", number).ToString()), "chequeId" },
            { new StringContent(w.FundedIdea.ToString()), "ideaId" },
            { new StringContent(amount), "expense.Amount" },
            { new StringContent(payee), "expense.Payee" },
            { new StringContent(description), "expense.Description" },
            { file, "expense.Receipt", fileName },
        };
        return await desk.PostAsync("/beheer/inloop?handler=Expense", form);
    }

    private static async Task<string> HtmlAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
