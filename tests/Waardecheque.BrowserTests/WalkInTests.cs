using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>The walk-in point (<c>/beheer/inloop</c>): a connector helps a resident with their cheque (and an initiator with an expense), on their behalf.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WalkInTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task a_connector_helps_a_resident_at_the_walk_in_point_and_the_events_say_so()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (inloop)", ("Eikenlaan", 31), ("Eikenlaan", 33));
        var (initiator, resident) = (program.Cheques[0], program.Cheques[1]);
        await site.ActivateAsync(initiator);
        var ideaId = await site.OpenIdeaAsync(initiator, "Jeu-de-boulesbaan", 1200);

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await desk.GetByRole(AriaRole.Link, new() { Name = "Inloop" }).ClickAsync();

        await desk.GetByLabel("Code van je waardecheque").FillAsync("K7QM-3XRP-9T2C-X");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheque zoeken" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Alert)).ToContainTextAsync("Deze code klopt niet");

        await desk.GetByLabel("Code van je waardecheque").FillAsync(resident.Code.ToString());
        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheque zoeken" }).ClickAsync();
        await Expect(desk.GetByTestId("cheque-state")).ToHaveTextAsync("Nog niet geactiveerd");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);

        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheque activeren namens de bewoner" }).ClickAsync();
        await Expect(desk.GetByTestId("cheque-state")).ToHaveTextAsync("Actief");

        await desk.GetByLabel("Idee", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Value = ideaId.ToString() });
        await desk.GetByLabel("Bedrag in euro").FillAsync("2,50");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Geld geven" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToHaveTextAsync("Gelukt: € 2,50 gegeven aan \"Jeu-de-boulesbaan\".");
        await Expect(desk.GetByTestId("available")).ToHaveTextAsync("€ 5,00");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("verbinder-inloop-desktop");

        // A resident without a smartphone also proposes an idea through the connector.
        await desk.GetByLabel("Naam van je idee").FillAsync("Plantenbakken Eikenlaan");
        await desk.GetByLabel("Wat wil je doen?").FillAsync("Vier bakken met bloemen langs de stoep.");
        await desk.GetByLabel("Hoeveel geld is nodig? (euro)").FillAsync("veel");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Idee indienen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Alert)).ToContainTextAsync("Niet alle velden zijn goed ingevuld");
        await desk.GetByLabel("Hoeveel geld is nodig? (euro)").FillAsync("40,00");
        await desk.GetByLabel("Tot wanneer mogen buren geld geven?").FillAsync(DateTime.Today.AddDays(20).ToString("yyyy-MM-dd"));
        await desk.GetByRole(AriaRole.Button, new() { Name = "Idee indienen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToHaveTextAsync("Het idee 'Plantenbakken Eikenlaan' is ingediend namens de bewoner.");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.GetByRole(AriaRole.Link, new() { Name = "Ideeën beoordelen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "Plantenbakken Eikenlaan" })).ToBeVisibleAsync();

        var events = await site.EventsAsync(resident.Id);
        var staff = site.ModeratorId.ToString();
        var activated = events.Single(e => e.Type == "cheque_activated");
        var pledged = events.Single(e => e.Type == "credit_pledged");
        Assert.Contains(staff, activated.Data);
        Assert.Contains(staff, pledged.Data);
        Assert.Equal($"staff:{staff}", activated.Actor);
        Assert.Equal($"staff:{staff}", pledged.Actor);
    }

    [Fact]
    public async Task the_walk_in_page_loads_the_scanner_and_other_pages_do_not()
    {
        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.GotoAsync(site.Url("/beheer/inloggen"));
        Assert.Equal(0, await desk.Locator("script[src='/lib/jsQR.js']").CountAsync());
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await desk.GotoAsync(site.Url("/beheer/inloop"));
        Assert.Equal(1, await desk.Locator("script[src='/lib/jsQR.js']").CountAsync());
        await Assertions.Expect(desk.GetByRole(AriaRole.Button, new() { Name = "Scan de QR-code met de camera" })).ToBeVisibleAsync();
        var js = await desk.Context.APIRequest.GetAsync(site.Url("/lib/jsQR.js"));
        Assert.Equal(200, js.Status);
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
    }

    [Fact]
    public async Task a_connector_submits_an_expense_with_its_receipt_for_the_initiator_of_a_funded_idea()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (inloop, uitgaven)", ("Berkenlaan", 61), ("Berkenlaan", 63), ("Berkenlaan", 65));
        foreach (var c in program.Cheques) await site.ActivateAsync(c);
        var initiator = program.Cheques[0];
        var ideaId = await site.OpenIdeaAsync(initiator, "Bankje bij de speeltuin", 900);
        foreach (var c in program.Cheques) await site.PledgeAsync(c, ideaId, 300);   // funded

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await desk.GetByRole(AriaRole.Link, new() { Name = "Inloop" }).ClickAsync();
        await desk.GetByLabel("Code van je waardecheque").FillAsync(initiator.Code.ToString());
        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheque zoeken" }).ClickAsync();

        var form = desk.GetByTestId("expense-form");
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "Uitgave indienen namens de bewoner" })).ToBeVisibleAsync();
        await form.GetByLabel("Bedrag in euro").FillAsync("8,50");
        await form.GetByLabel("Aan wie is betaald?").FillAsync("Bouwmarkt Rokkeveen");
        await form.GetByLabel("Waarvoor is betaald?").FillAsync("Planken en schroeven voor het bankje");
        await form.GetByLabel("Bon of factuur").SetInputFilesAsync(new FilePayload { Name = "bon.png", MimeType = "image/png", Buffer = Png });
        await form.GetByRole(AriaRole.Button, new() { Name = "Uitgave indienen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToContainTextAsync("Gelukt: uitgave van € 8,50 voor \"Bankje bij de speeltuin\" ingediend namens de bewoner.");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("verbinder-inloop-uitgave-desktop");

        var submitted = (await site.EventsAsync(ideaId)).Single(e => e.Type == "expense_submitted");
        Assert.Equal($"staff:{site.ModeratorId}", submitted.Actor);
        Assert.Contains(site.ModeratorId.ToString(), submitted.Data);
    }

    [Fact]
    public async Task a_connector_starts_a_top_up_that_the_resident_pays_at_the_desk()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (inloop, eigen inleg)", ("Lindelaan", 71), ("Lindelaan", 73), ("Lindelaan", 75));
        var (initiator, resident) = (program.Cheques[0], program.Cheques[1]);
        await site.ActivateAsync(initiator);
        await site.ActivateAsync(resident);
        var ideaId = await site.OpenIdeaAsync(initiator, "Buurtbibliotheekkastje", 3000);

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await desk.GetByRole(AriaRole.Link, new() { Name = "Inloop" }).ClickAsync();
        await desk.GetByLabel("Code van je waardecheque").FillAsync(resident.Code.ToString());
        await desk.GetByRole(AriaRole.Button, new() { Name = "Cheque zoeken" }).ClickAsync();

        var form = desk.GetByTestId("topup-form");
        await form.GetByLabel("Bedrag dat de bewoner zelf betaalt (euro)").FillAsync("10,00");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await form.GetByRole(AriaRole.Button, new() { Name = "Verder naar betalen" }).ClickAsync();

        // The resident pays on the sandbox's checkout page at the desk; then the connector's own return page.
        await Assertions.Expect(desk).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/stripe-sandbox/checkout/cs_"));
        await desk.GetByRole(AriaRole.Button, new() { Name = "Betaal € 10,00 met iDEAL" }).ClickAsync();
        await Assertions.Expect(desk).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/beheer/inloop/inleg/[0-9a-f-]+"));
        await Expect(desk.GetByTestId("topup-what")).ToHaveTextAsync("€ 10,00 voor \"Buurtbibliotheekkastje\"");
        var outcome = desk.GetByTestId("topup-outcome");
        for (var i = 0; i < 60 && !(await outcome.InnerTextAsync()).Contains("Gelukt"); i++)
        {
            await Task.Delay(500);
            await desk.GetByTestId("refresh").ClickAsync();
        }
        await Expect(outcome).ToContainTextAsync("Gelukt");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("verbinder-inloop-inleg-desktop");

        var started = (await site.EventsAsync(ideaId)).Single(e => e.Type == "top_up_started");
        Assert.Equal($"staff:{site.ModeratorId}", started.Actor);
        Assert.Contains(resident.Id.ToString(), started.Data);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
