using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>
/// A resident adds own money to an idea ("Zelf geld bijleggen") through the built-in Stripe sandbox: idea page, the
/// sandbox's Dutch checkout page, back to the return page; the money counts once the sandbox's signed webhook reached
/// the app (nothing on the pages credits it).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TopUpJourneyTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    [Fact]
    public async Task a_resident_tops_up_an_idea_in_the_sandbox_and_sees_its_progress_move()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (eigen inleg)", ("Parkweg", 1), ("Parkweg", 3), ("Parkweg", 5));
        var (initiator, resident) = (program.Cheques[0], program.Cheques[1]);
        await site.ActivateAsync(initiator);
        var ideaId = await site.OpenIdeaAsync(initiator, "Picknicktafel in het park", 3000);
        await site.PledgeAsync(initiator, ideaId, 500);

        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(site.Url($"/c/{resident.Code}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Picknicktafel in het park" }).ClickAsync();
        await Expect(page.GetByTestId("progress")).ToContainTextAsync("€ 5,00 van € 30,00");
        var topUp = page.GetByRole(AriaRole.Region, new() { Name = "Zelf geld bijleggen" });
        await Expect(topUp.GetByText("Je kunt hoogstens € 250,00 per keer bijleggen.")).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(page);

        // Not an amount: the error summary links to the field, nothing is started.
        await topUp.GetByLabel("Bedrag dat je zelf betaalt (euro)").FillAsync("vijf");
        await topUp.GetByRole(AriaRole.Button, new() { Name = "Verder naar betalen" }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Link, new() { Name = "Vul een bedrag in euro in, bijvoorbeeld 12,50." }).ClickAsync();
        await Expect(page.GetByLabel("Bedrag dat je zelf betaalt (euro)")).ToHaveAttributeAsync("aria-invalid", "true");
        await AxeScan.AssertNoSeriousViolationsAsync(page);

        await page.GetByLabel("Bedrag dat je zelf betaalt (euro)").FillAsync("7,50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder naar betalen" }).ClickAsync();

        // The sandbox's checkout page: Dutch, says no real money moves, pays with one press.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/stripe-sandbox/checkout/cs_"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await Expect(page.GetByText("er wordt geen echt geld afgeschreven")).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("topup-sandbox-checkout-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Betaal € 7,50 met iDEAL" }).ClickAsync();

        // Back on the return page: waiting for the bank (until the webhook is in), then paid.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/inleg/[0-9a-f-]+\\?uitkomst=betaald"));
        await Expect(page.GetByTestId("topup-what")).ToHaveTextAsync("€ 7,50 voor \"Picknicktafel in het park\"");
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("topup-return-phone");
        var outcome = page.GetByTestId("topup-outcome");
        for (var i = 0; i < 60 && !(await outcome.InnerTextAsync()).Contains("Gelukt"); i++)
        {
            await Task.Delay(500);
            await page.GetByRole(AriaRole.Link, new() { Name = "Opnieuw kijken" }).ClickAsync();
        }
        await Expect(outcome).ToContainTextAsync("Gelukt: je betaling is binnen. Je € 7,50 telt mee voor dit idee.");
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("topup-return-paid-phone");

        // The idea's progress moved by the top-up; households did not (a top-up is no household).
        await page.GetByRole(AriaRole.Link, new() { Name = "Naar het idee" }).ClickAsync();
        await Expect(page.GetByTestId("progress")).ToContainTextAsync("€ 12,50 van € 30,00");
        await Expect(page.GetByTestId("households")).ToHaveTextAsync("1 van 3 huishoudens");

        // "Mijn cheque" lists it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Terug naar mijn cheque" }).ClickAsync();
        var mine = page.GetByRole(AriaRole.Table, new() { Name = "Mijn eigen inleg" });
        await Expect(mine.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Picknicktafel in het park");
        await Expect(mine.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("€ 7,50");
        await Expect(mine.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Betaald, telt mee");
        await AxeScan.AssertNoSeriousViolationsAsync(page);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
