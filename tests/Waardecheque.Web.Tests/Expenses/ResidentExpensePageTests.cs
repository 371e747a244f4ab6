using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Expenses;

/// <summary>
/// The initiator's own expense page (<c>/ideeen/{id}/uitgaven</c>) over HTTP: the same form (<c>ExpenseInput</c>) as the
/// walk-in page, without anyone acting on the household's behalf.
/// </summary>
public sealed partial class ResidentExpensePageTests(ExpenseWorld w) : IClassFixture<ExpenseWorld>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    [Fact]
    public async Task the_initiator_submits_an_expense_with_a_receipt_and_a_bad_amount_is_refused_next_to_its_field()
    {
        var browser = PageClient.Anonymous(w.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/c/{ApiWorld.CodeFor(w.ProgramId, "Rozentuin", 1)}")).StatusCode);
        var page = $"/ideeen/{w.FundedIdea}/uitgaven";

        var bad = await PostAsync(browser, page, "veel", "Kwekerij Rokkeveen");
        var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        Assert.Contains("<a href=\"#expense-amount\">Vul een bedrag in euro in, bijvoorbeeld 2,50.</a>", html);
        Assert.Contains("id=\"expense-amount-error\"", html);
        Assert.Contains("value=\"Kwekerij Rokkeveen\"", html);

        var good = await PostAsync(browser, page, "9,75", "Kwekerij Rokkeveen");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal($"{page}?ingediend=true", good.Headers.Location?.ToString());
        var expense = (await w.GetJsonAsync($"/api/v1/ideas/{w.FundedIdea}", w.Initiator)).GetProperty("expenses").EnumerateArray()
            .Single(e => e.GetProperty("payee").GetString() == "Kwekerij Rokkeveen");
        Assert.Equal(975, expense.GetProperty("amountCents").GetInt64());
        Assert.False(expense.GetProperty("submittedOnBehalf").GetBoolean());
    }

    private static async Task<HttpResponseMessage> PostAsync(PageClient browser, string page, string amount, string payee)
    {
        var token = AntiforgeryToken().Match(await browser.GetHtmlAsync(page));
        Assert.True(token.Success, "no antiforgery token on the expense page");
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        return await browser.PostAsync(page, new MultipartFormDataContent
        {
            { new StringContent(token.Groups[1].Value), "__af" },
            { new StringContent(amount), "expense.Amount" },
            { new StringContent(payee), "expense.Payee" },
            { new StringContent("Plantjes voor de bakken"), "expense.Description" },
            { file, "expense.Receipt", "bon.png" },
        });
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
