using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>The initiator of a funded idea submits an expense with a receipt; a connector approves it and marks it paid.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExpenseJourneyTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task the_initiator_submits_an_expense_and_a_connector_approves_and_pays_it()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (uitgaven)", ("Populierlaan", 51), ("Populierlaan", 53), ("Populierlaan", 55));
        foreach (var c in program.Cheques) await site.ActivateAsync(c);
        var ideaId = await site.OpenIdeaAsync(program.Cheques[0], "Plantenbakken", 900);
        foreach (var c in program.Cheques) await site.PledgeAsync(c, ideaId, 300);

        var phone = await browser.NewPageAsync(Screen.Phone);
        await phone.GotoAsync(site.Url($"/c/{program.Cheques[0].Code}"));
        await phone.GotoAsync(site.Url($"/ideeen/{ideaId}"));
        await phone.GetByRole(AriaRole.Link, new() { Name = "Uitgaven verantwoorden" }).ClickAsync();
        await Assertions.Expect(phone.GetByTestId("budget")).ToHaveTextAsync("Budget € 9,00 · verantwoord € 0,00 · nog over € 9,00");

        // Over budget: the domain's message, and no file is kept.
        await phone.GetByLabel("Bedrag in euro").FillAsync("12,00");
        await phone.GetByLabel("Aan wie is betaald?").FillAsync("Tuincentrum De Vaart");
        await phone.GetByLabel("Waarvoor is betaald?").FillAsync("Drie plantenbakken en aarde");
        await phone.GetByLabel("Bon of factuur").SetInputFilesAsync(new FilePayload { Name = "bon.png", MimeType = "image/png", Buffer = Png });
        await phone.GetByRole(AriaRole.Button, new() { Name = "Uitgave indienen" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert)).ToContainTextAsync("Er is nog € 9,00 over van het budget.");

        await phone.GetByLabel("Bedrag in euro").FillAsync("8,50");
        await phone.GetByLabel("Bon of factuur").SetInputFilesAsync(new FilePayload { Name = "bon.png", MimeType = "image/png", Buffer = Png });
        await phone.GetByRole(AriaRole.Button, new() { Name = "Uitgave indienen" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToHaveTextAsync("Je uitgave is ingediend. Een buurtverbinder kijkt ernaar.");
        await Assertions.Expect(phone.GetByTestId("expense-state")).ToHaveTextAsync("Wacht op beoordeling");
        await AxeScan.AssertNoSeriousViolationsAsync(phone);
        await phone.SaveScreenshotAsync("initiatiefnemer-uitgaven-phone");

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await desk.GetByRole(AriaRole.Link, new() { Name = "Uitgaven", Exact = true }).ClickAsync();
        var card = desk.Locator("article", new() { HasText = "Tuincentrum De Vaart" });
        var receipt = await desk.Context.APIRequest.GetAsync(site.Url(
            "/beheer/uitgaven?handler=Receipt&expenseId=" + (await card.GetByRole(AriaRole.Link).GetAttributeAsync("href"))!.Split('=')[^1]));
        Assert.Equal(Png, await receipt.BodyAsync());

        await card.GetByRole(AriaRole.Button, new() { Name = "Afwijzen" }).ClickAsync();
        await Assertions.Expect(card.GetByText("Geef een reden (hoogstens 2000 tekens).")).ToBeVisibleAsync();   // next to its input
        await card.GetByRole(AriaRole.Button, new() { Name = "Goedkeuren" }).ClickAsync();
        await Assertions.Expect(desk.GetByRole(AriaRole.Status)).ToHaveTextAsync("Goedgekeurd: Tuincentrum De Vaart, € 8,50.");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("verbinder-uitgaven-desktop");
        await card.GetByLabel("Betalingskenmerk").FillAsync("NL-2026-0042");
        await card.GetByRole(AriaRole.Button, new() { Name = "Markeren als betaald" }).ClickAsync();
        await Assertions.Expect(desk.GetByRole(AriaRole.Status)).ToHaveTextAsync("Betaald: Tuincentrum De Vaart, € 8,50.");

        await phone.ReloadAsync();
        await Assertions.Expect(phone.GetByTestId("expense-state")).ToHaveTextAsync("Betaald");
    }
}
