using System.Text;
using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;
using Waardecheque.Domain;
using Waardecheque.ReadModels;

namespace Waardecheque.BrowserTests;

/// <summary>The municipality sets up a program in the browser: create, open, import (a bad file first), issue, letters, lost cheque, audit.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MunicipalityJourneyTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    private const string Header = "postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n";

    [Fact]
    public async Task the_municipality_imports_addresses_issues_cheques_and_the_audit_reconciles()
    {
        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.AdminEmail);
        await desk.GotoAsync(site.Url("/beheer/regelingen"));
        await desk.GetByRole(AriaRole.Link, new() { Name = "Nieuwe regeling maken" }).ClickAsync();

        // The rule book's defaults are already filled in.
        await Expect(desk.GetByLabel("Waarde per cheque (euro)")).ToHaveValueAsync("7,50");
        await Expect(desk.GetByLabel("Minimaal aantal huishoudens per idee")).ToHaveValueAsync("3");
        await Expect(desk.GetByLabel("Maximaal doelbedrag per idee (euro)")).ToHaveValueAsync("1500");
        await desk.GetByLabel("Naam van de regeling").FillAsync("Seghwaert Doet (import)");
        await desk.GetByLabel("Buurten").FillAsync("BU06370301 Tuinen\nBU0637 Vaarten");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Regeling aanmaken" }).ClickAsync();
        await Expect(desk.GetByText("Een buurtcode is BU gevolgd door 8 cijfers.")).ToBeVisibleAsync();   // the domain's field message
        await AxeScan.AssertNoSeriousViolationsAsync(desk);

        await desk.GetByLabel("Buurten").FillAsync("BU06370301 Tuinen\nBU06370302 Vaarten");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Regeling aanmaken" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToHaveTextAsync("De regeling is aangemaakt als concept.");
        await Expect(desk.GetByTestId("program-state")).ToHaveTextAsync("In voorbereiding");
        var programId = Guid.Parse(desk.Url.Split('/')[^2]);

        await desk.GetByRole(AriaRole.Button, new() { Name = "Regeling openen" }).ClickAsync();
        await Expect(desk.GetByTestId("program-state")).ToHaveTextAsync("Open");

        // A file with bad rows: every bad row is shown with line, field and message, and nothing is imported.
        var bad = Header + "2716 AB,1,,,Kastanjelaan,BU06370301\n0716 AB,3,,,Kastanjelaan,BU06370301\n2716 AB,5,,,Kastanjelaan,BU99999999\n";
        await desk.GetByLabel("Adressenbestand (CSV)").SetInputFilesAsync(Csv("adressen-fout.csv", bad));
        await desk.GetByRole(AriaRole.Button, new() { Name = "Adressen inlezen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Alert)).ToContainTextAsync("Het bestand heeft 2 fout(en); er is niets ingelezen.");
        var rows = desk.GetByTestId("bad-rows").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("td")).ToHaveTextAsync(["3", "postcode",
            "Een postcode is 4 cijfers (niet beginnend met 0) en 2 letters, bijvoorbeeld 2725 AB."]);
        await Expect(rows.Nth(1).Locator("td")).ToHaveTextAsync(["4", "buurtcode", "Buurt BU99999999 hoort niet bij deze regeling."]);
        await Expect(desk.GetByTestId("counts")).ToHaveTextAsync("0 adressen ingelezen · 0 cheques uitgegeven");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-import-fouten-desktop");

        var good = Header + "2716 AB,1,,,Kastanjelaan,BU06370301\n2716 AB,3,,,Kastanjelaan,BU06370301\n2716 AC,5,A,,Vaartweg,BU06370302\n"
                   + "2716 AB,1,,,Kastanjelaan,BU06370301\n";
        await desk.GetByLabel("Adressenbestand (CSV)").SetInputFilesAsync(Csv("adressen.csv", good));
        await desk.GetByRole(AriaRole.Button, new() { Name = "Adressen inlezen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToHaveTextAsync("3 adressen ingelezen, 1 dubbel (overgeslagen).");

        // Issuing runs in the background; with three addresses it is done by the time the page is back (or the
        // page's script reloads it a moment later).
        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheques uitgeven" }).ClickAsync();
        await Expect(desk.GetByTestId("issue-result")).ToHaveTextAsync("Klaar: 3 cheques aangemaakt, samen € 22,50.");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheques uitgeven" }).ClickAsync();
        await Expect(desk.GetByTestId("issue-result")).ToHaveTextAsync("Klaar: 3 cheques aangemaakt, samen € 22,50.");
        await Expect(desk.GetByTestId("counts")).ToHaveTextAsync("3 adressen ingelezen · 3 cheques uitgegeven");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-regeling-beheren-desktop");

        // The letters, with the staff cookie (the page's own handler).
        var letters = await desk.Context.APIRequest.GetAsync(site.Url($"/beheer/regelingen/{programId}/beheren?handler=Letters"));
        Assert.Equal(200, letters.Status);
        Assert.Equal("application/pdf", letters.Headers["content-type"]);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString((await letters.BodyAsync())[..5]));

        // A lost cheque: found by address, blocked, replaced; the new code is shown once and works.
        await desk.GetByRole(AriaRole.Link, new() { Name = "Cheque blokkeren of vervangen" }).ClickAsync();
        await desk.GetByLabel("Postcode").FillAsync("2716ab");
        await desk.GetByLabel("Huisnummer").FillAsync("3");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Adres zoeken" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "Kastanjelaan 3, 2716 AB" })).ToBeVisibleAsync();
        await desk.GetByLabel("Reden van blokkeren").FillAsync("Brief kwijt bij verhuizing");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Blokkeren" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToContainTextAsync("De cheque is geblokkeerd.");
        await Expect(desk.GetByTestId("cheque-state")).ToHaveTextAsync("Geblokkeerd");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Nieuwe code maken" }).ClickAsync();
        var newCode = (await desk.GetByTestId("new-code").TextContentAsync())!.Trim();
        await Expect(desk.GetByTestId("cheque-state")).ToHaveTextAsync(["Vervangen", "Nog niet geactiveerd"]);
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-cheque-vervangen-desktop");

        var phone = await browser.NewPageAsync(Screen.Phone);
        await phone.GotoAsync(site.Url($"/c/{newCode}"));
        await Assertions.Expect(phone).ToHaveURLAsync(site.Url("/mijn-cheque"));
        await Expect(phone.GetByText("€ 7,50").First).ToBeVisibleAsync();

        // The audit reconciles.
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{programId}"));
        await Expect(desk.GetByTestId("reconciles")).ToContainTextAsync("Het geld klopt");
        await Expect(desk.GetByRole(AriaRole.Row, new() { Name = "Uitgedeeld op cheques € 22,50" })).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-import-controle-desktop");

        // Closing asks for a confirmation first.
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{programId}/beheren"));
        await desk.GetByRole(AriaRole.Button, new() { Name = "Regeling sluiten" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Alert)).ToContainTextAsync("Vink eerst aan");
        await desk.GetByLabel("Ja, ik wil deze regeling sluiten").CheckAsync();
        await desk.GetByRole(AriaRole.Button, new() { Name = "Regeling sluiten" }).ClickAsync();
        await Expect(desk.GetByTestId("program-state")).ToHaveTextAsync("Gesloten");
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{programId}"));
        await Expect(desk.GetByTestId("reconciles")).ToContainTextAsync("Het geld klopt");
    }

    [Fact]
    public async Task while_cheques_are_issued_the_page_shows_the_progress_and_then_the_result_by_itself()
    {
        var programId = await site.SeedProgramWithoutChequesAsync("Seghwaert Doet (uitgeven)",
            ("Lindelaan", 1), ("Lindelaan", 2), ("Lindelaan", 3), ("Lindelaan", 4), ("Lindelaan", 5));
        var store = site.Store.Store;
        var admin = new MessageContext("system:browser-test");
        await ChequeIssuing.IssueBatchAsync(store, programId, admin, TimeProvider.System, 2);
        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.AdminEmail);

        // A run is busy (here held by the test, as another app process would hold it): the page shows how far it is.
        await using (var run = await IssuingLock.TakeAsync(store.DataSource, programId, default))
        {
            await desk.GotoAsync(site.Url($"/beheer/regelingen/{programId}/beheren"));
            var bar = desk.GetByRole(AriaRole.Progressbar, new() { Name = "2 van 5 cheques aangemaakt" });
            await Expect(bar).ToHaveAttributeAsync("value", "2");
            await Expect(bar).ToHaveAttributeAsync("max", "5");
            await Expect(desk.GetByRole(AriaRole.Link, new() { Name = "Pagina vernieuwen" })).ToBeVisibleAsync();
            await Expect(desk.GetByRole(AriaRole.Button, new() { Name = "Cheques uitgeven" })).ToHaveCountAsync(0);
            await AxeScan.AssertNoSeriousViolationsAsync(desk);
            await desk.SaveScreenshotAsync("gemeente-cheques-uitgeven-voortgang-desktop");

            // The next batch: the bar moves without a reload.
            await ChequeIssuing.IssueBatchAsync(store, programId, admin, TimeProvider.System, 1);
            await Expect(desk.GetByTestId("issue-progress")).ToHaveTextAsync("3 van 5 cheques aangemaakt");
            await Expect(desk.Locator("progress")).ToHaveJSPropertyAsync("value", 3);

            await ChequeIssuing.IssueAsync(run, store, admin, TimeProvider.System, 5, default);
        }

        // The run is over: the page loads itself again and shows the result.
        await Expect(desk.GetByTestId("issue-result")).ToHaveTextAsync("Klaar: 5 cheques aangemaakt, samen € 37,50.");
        await Expect(desk.Locator("progress")).ToHaveCountAsync(0);
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-cheques-uitgegeven-desktop");
    }

    [Fact]
    public async Task an_address_file_over_a_megabyte_is_read_and_its_one_bad_row_shown()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (groot bestand)", ("Esdoornlaan", 1));
        var csv = new StringBuilder(Header);
        for (var i = 1; i <= 30_000; i++) csv.Append($"2716 AB,{i},,,Esdoornlaan,BU06370301\n");
        csv.Append("2716 AB,0,,,Esdoornlaan,BU06370301\n");   // line 30002: no house number 0
        Assert.True(csv.Length > 1024 * 1024);
        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.AdminEmail);
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{program.Id}/beheren"));
        await desk.GetByLabel("Adressenbestand (CSV)").SetInputFilesAsync(Csv("groot.csv", csv.ToString()));
        await desk.GetByRole(AriaRole.Button, new() { Name = "Adressen inlezen" }).ClickAsync();
        await Expect(desk.GetByTestId("bad-rows").Locator("tbody tr td")).ToHaveTextAsync(["30002", "huisnummer",
            "Een huisnummer is een heel getal van 1 tot en met 99999."]);
        await Expect(desk.GetByTestId("counts")).ToHaveTextAsync("1 adressen ingelezen · 1 cheques uitgegeven");
    }

    [Fact]
    public async Task a_connector_cannot_manage_a_program()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (geen beheer)", ("Iepenlaan", 2));
        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{program.Id}/beheren"));
        Assert.Contains("geenToegang=1", desk.Url);
        var letters = await desk.Context.APIRequest.GetAsync(site.Url($"/beheer/regelingen/{program.Id}/beheren?handler=Letters"),
            new() { MaxRedirects = 0 });
        Assert.Equal(302, letters.Status);
    }

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };


    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
