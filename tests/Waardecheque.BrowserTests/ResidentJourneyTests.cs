using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>Residents on a phone: from the QR code on the letter to an idea that gets funded.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResidentJourneyTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    [Fact]
    public async Task a_resident_opens_the_QR_link_pledges_and_sees_the_idea_funded_when_the_third_neighbour_pledges()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (QR)", ("Bloemenstraat", 1), ("Bloemenstraat", 3), ("Bloemenstraat", 5));
        var (initiator, neighbour, resident) = (program.Cheques[0], program.Cheques[1], program.Cheques[2]);
        await site.ActivateAsync(initiator);
        await site.ActivateAsync(neighbour);
        var ideaId = await site.OpenIdeaAsync(initiator, "Bankje bij de speeltuin", 1500);
        await site.PledgeAsync(initiator, ideaId, 500);

        var page = await browser.NewPageAsync(Screen.Phone);
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        var first = await page.GotoAsync(site.Url($"/c/{resident.Code}"));

        // The code leaves the address bar at once; the cheque is activated and the session is a safe cookie.
        Assert.Equal(site.Url("/mijn-cheque"), page.Url);
        Assert.Equal("no-referrer", await first!.HeaderValueAsync("referrer-policy"));
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "wc_bewoner");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Contains("cheque_activated", (await site.EventsAsync(resident.Id)).Select(e => e.Type));

        await Expect(page.GetByTestId("available")).ToHaveTextAsync("€ 7,50");
        await Expect(page.GetByText("Bloemenstraat, buurt Tuinen")).ToBeVisibleAsync();
        await Expect(page.GetByText("1 van 3 huishoudens")).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("resident-mijn-cheque-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Bankje bij de speeltuin" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Bankje bij de speeltuin");

        // Less than the minimum: the domain's own Dutch message (P1), nothing pledged.
        await page.GetByLabel("Bedrag in euro").FillAsync("0,50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Geld geven" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Zeg minstens € 1,00 toe");
        await AxeScan.AssertNoSeriousViolationsAsync(page);

        await page.GetByLabel("Bedrag in euro").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Geld geven" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Gelukt: je gaf € 5,00 aan dit idee.");
        await Expect(page.GetByTestId("households")).ToHaveTextAsync("2 van 3 huishoudens");
        await Expect(page.GetByTestId("my-pledge")).ToHaveTextAsync("€ 5,00");
        await page.SaveScreenshotAsync("resident-idee-na-toezegging-phone");

        // The third household pledges the rest: the idea is funded.
        await site.PledgeAsync(neighbour, ideaId, 500);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("idea-state")).ToHaveTextAsync("Gelukt");
        await Expect(page.GetByTestId("households")).ToHaveTextAsync("3 van 3 huishoudens");
        await Expect(page.GetByTestId("progress")).ToContainTextAsync("€ 15,00 van € 15,00");
        await Expect(page.GetByTestId("funded")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mijn geld terugnemen" })).ToHaveCountAsync(0);
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("resident-idee-gelukt-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Terug naar mijn cheque" }).ClickAsync();
        await Expect(page.GetByTestId("available")).ToHaveTextAsync("€ 2,50");
        await Expect(page.GetByText("€ 5,00 · gelukt: het idee gaat door")).ToBeVisibleAsync();

        // The code never appeared in any request after the first one.
        Assert.DoesNotContain(requests.Skip(1), u => u.Contains(resident.Code.ToString()));
    }

    [Fact]
    public async Task a_resident_can_take_a_pledge_back_while_the_idea_is_open()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (terug)", ("Vaartweg", 2), ("Vaartweg", 4));
        var (initiator, resident) = (program.Cheques[0], program.Cheques[1]);
        await site.ActivateAsync(initiator);
        var ideaId = await site.OpenIdeaAsync(initiator, "Plantenbak", 900);

        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(site.Url($"/c/{resident.Code}"));
        await page.GotoAsync(site.Url($"/ideeen/{ideaId}"));
        await page.GetByText("Geef alles wat ik nog heb (€ 7,50)").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Geld geven" }).ClickAsync();
        // P7 in the domain's words: two more households must still be able to join.
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Er moeten nog 2 huishouden(s) meedoen");

        await page.GetByLabel("Bedrag in euro").FillAsync("3,00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Geld geven" }).ClickAsync();
        await Expect(page.GetByTestId("my-pledge")).ToHaveTextAsync("€ 3,00");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mijn geld terugnemen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Je geld staat weer op je cheque.");
        await page.GotoAsync(site.Url("/mijn-cheque"));
        await Expect(page.GetByTestId("available")).ToHaveTextAsync("€ 7,50");
    }

    [Fact]
    public async Task a_typo_in_the_code_gets_a_friendly_error_and_the_right_code_signs_in()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (typen)", ("Weideweg", 7));
        var code = program.Cheques[0].Code.ToString();
        var typo = code[..5] + (code[5] == 'A' ? 'B' : 'A') + code[6..];

        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(site.Url("/code"));
        await page.GetByLabel("Code van je waardecheque").FillAsync(typo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder" }).ClickAsync();
        await Expect(page.GetByText("Deze code klopt niet. Kijk of je hem goed hebt overgetypt")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Code van je waardecheque")).ToHaveAttributeAsync("aria-invalid", "true");
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("resident-code-typfout-phone");

        await page.GetByLabel("Code van je waardecheque").FillAsync(code.ToLowerInvariant().Replace("-", " "));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(site.Url("/mijn-cheque"));
        await Expect(page.GetByTestId("available")).ToHaveTextAsync("€ 7,50");
    }

    [Fact]
    public async Task every_page_switches_to_English_and_stays_English()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (English)", ("Tuinlaan", 9));
        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(site.Url($"/c/{program.Cheques[0].Code}"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");

        await page.GetByRole(AriaRole.Link, new() { Name = "Read this page in English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My value cheque");
        await Expect(page.GetByTestId("available")).ToHaveTextAsync("€7.50");
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("resident-my-cheque-english-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Propose an idea" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Propose an idea");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
    }

    [Fact]
    public async Task pages_carry_the_security_headers_and_forms_carry_an_antiforgery_token()
    {
        var page = await browser.NewPageAsync(Screen.Phone);
        var response = await page.GotoAsync(site.Url("/code"));
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"]);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal(1, await page.Locator("form input[name=__af]").CountAsync());
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());

        // A POST without the token is refused.
        using var http = new HttpClient();
        var forged = await http.PostAsync(site.Url("/code"), new FormUrlEncodedContent([new("code", "K7QM-3XRP-9T2C-W")]));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);

        // Resident pages need the resident's cookie.
        var anonymous = await browser.NewPageAsync(Screen.Phone);
        await anonymous.GotoAsync(site.Url("/mijn-cheque"));
        Assert.StartsWith(site.Url("/code"), anonymous.Url);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
