using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>People get friendly HTML error pages on page routes; the API keeps problem+json.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ErrorPageTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    [Fact]
    public async Task an_unknown_page_is_a_friendly_404_and_the_api_stays_problem_json()
    {
        var phone = await browser.NewPageAsync(Screen.Phone);
        var response = await phone.GotoAsync(site.Url("/bestaat-niet"));
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Deze pagina bestaat niet");
        await AxeScan.AssertNoSeriousViolationsAsync(phone);
        await phone.SaveScreenshotAsync("fout-404-phone");

        var api = await phone.GotoAsync(site.Url("/api/v1/bestaat-niet"));
        Assert.Equal(404, api!.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"]);
    }

    [Fact]
    public async Task a_form_with_an_expired_antiforgery_token_gets_a_friendly_page()
    {
        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.GotoAsync(site.Url("/beheer/inloggen"));
        await desk.Context.ClearCookiesAsync();   // the antiforgery cookie is gone, as after a long pause or a new browser session
        await desk.GetByLabel("E-mailadres").FillAsync(WaardechequeSite.AdminEmail);
        await desk.GetByLabel("Wachtwoord").FillAsync(WaardechequeSite.Password);
        await desk.GetByRole(AriaRole.Button, new() { Name = "Inloggen" }).ClickAsync();
        await Assertions.Expect(desk.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Dit formulier was verlopen");
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("fout-formulier-verlopen-desktop");
        await desk.GetByRole(AriaRole.Link, new() { Name = "Pagina opnieuw openen" }).ClickAsync();
        await Assertions.Expect(desk.GetByLabel("E-mailadres")).ToBeVisibleAsync();
    }
}
