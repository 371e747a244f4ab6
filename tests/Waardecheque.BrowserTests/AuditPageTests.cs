using System.Globalization;
using System.Text.RegularExpressions;
using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>The audit page's deeper tools: the money over time, the journal CSV with the staff cookie, the integrity check.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AuditPageTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    [Fact]
    public async Task the_municipality_sees_the_money_over_time_downloads_the_journal_and_checks_integrity()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (tijdlijn)", ("Lindelaan", 2), ("Lindelaan", 4), ("Lindelaan", 6));
        foreach (var c in program.Cheques) await site.ActivateAsync(c);
        var ideaId = await site.OpenIdeaAsync(program.Cheques[0], "Bankje", 900);
        foreach (var c in program.Cheques) await site.PledgeAsync(c, ideaId, 300);

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.AdminEmail);
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{program.Id}"));

        // The money over time: a line chart with its table; the last day holds the final figures of "Waar is het geld?".
        await Expect(desk.GetByRole(AriaRole.Img, new() { Name = "Lijndiagram: Het geld door de tijd" })).ToBeVisibleAsync();
        var history = desk.GetByTestId("history-table");
        await Expect(history.Locator("thead th")).ToHaveTextAsync(["Datum (UTC)", "Nog op cheques", "Toegezegd aan open ideeën",
            "Vast voor gelukte ideeën", "Uitgegeven aan bonnen", "Teruggegeven", "Verlopen (naar gemeente)"]);
        var lastDay = history.Locator("tbody tr").Last;
        await Expect(lastDay.Locator("th")).ToHaveTextAsync(new Regex(@"^\d{4}-\d{2}-\d{2}$"));
        await Expect(lastDay.Locator("td")).ToHaveTextAsync(["€ 13,50", "€ 0,00", "€ 9,00", "€ 0,00", "€ 0,00", "€ 0,00"]);
        await Expect(desk.GetByRole(AriaRole.Row, new() { Name = "Nog op cheques € 13,50" })).ToBeVisibleAsync();
        // Every event of this seeding happened today (UTC): one day, the same date as the table's row.
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (await lastDay.Locator("th").TextContentAsync())!.Trim());

        // The journal CSV through the page's own link (staff cookie; the API's journal.csv takes bearer tokens only).
        var download = await desk.RunAndWaitForDownloadAsync(() =>
            desk.GetByRole(AriaRole.Link, new() { Name = "Journaal downloaden (CSV)" }).ClickAsync());
        Assert.Equal($"journaal-{program.Id}.csv", download.SuggestedFilename);
        var csv = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("seq,time,eventType,debitAccount,creditAccount,amountCents,streamId,actor", csv[0]);
        Assert.True(csv.Length > 1, "the journal has lines");
        var balances = new Dictionary<string, long>();
        var issuedOnCheques = 0L;
        foreach (var line in csv.Skip(1))
        {
            var f = line.Split(',');
            Assert.Equal(8, f.Length);
            var amount = long.Parse(f[5], CultureInfo.InvariantCulture);
            Assert.True(amount > 0, line);
            balances[f[3]] = balances.GetValueOrDefault(f[3]) + amount;
            balances[f[4]] = balances.GetValueOrDefault(f[4]) - amount;
            if (f[2] == "cheque_issued") issuedOnCheques += amount;
        }
        Assert.Equal(0, balances.Values.Sum());
        Assert.Equal(2250, issuedOnCheques);

        // The integrity check: valid, with a publishable 64-hex checkpoint hash.
        await desk.GetByRole(AriaRole.Button, new() { Name = "Integriteit controleren" }).ClickAsync();
        await Expect(desk.GetByTestId("integrity")).ToContainTextAsync("In orde");
        await Expect(desk.GetByRole(AriaRole.Row, new() { Name = "Geldig ja" })).ToBeVisibleAsync();
        await Expect(desk.GetByRole(AriaRole.Row, new() { Name = "Eerste fout bij volgnummer geen" })).ToBeVisibleAsync();
        await Expect(desk.GetByTestId("checkpoint-hash")).ToHaveTextAsync(Hex64());
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-regeling-tijdlijn-integriteit-desktop");

        // The same in English.
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{program.Id}?handler=Verify&lang=en"));
        await Expect(desk.GetByTestId("integrity")).ToContainTextAsync("Valid");
        await Expect(desk.GetByTestId("integrity-valid")).ToHaveTextAsync("yes");
        await Expect(desk.GetByRole(AriaRole.Img, new() { Name = "Line chart: The money over time" })).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
