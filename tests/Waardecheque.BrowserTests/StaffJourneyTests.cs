using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>Connectors and the municipality: moderation and the audit at a glance (the walk-in point: WalkInTests).</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffJourneyTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    [Fact]
    public async Task a_resident_proposes_an_idea_and_a_connector_approves_it()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (voorstel)", ("Kastanjelaan", 11), ("Kastanjelaan", 13));
        var resident = program.Cheques[0];

        var phone = await browser.NewPageAsync(Screen.Phone);
        await phone.GotoAsync(site.Url($"/c/{resident.Code}"));
        await phone.GetByRole(AriaRole.Link, new() { Name = "Idee voorstellen" }).First.ClickAsync();
        await Expect(phone.GetByText("Minstens 3 huishoudens van verschillende adressen moeten meedoen.")).ToBeVisibleAsync();
        await Expect(phone.GetByText("Geen commercieel of politiek doel.")).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(phone);
        await phone.SaveScreenshotAsync("resident-idee-voorstellen-phone");

        // A target above the municipality's maximum: the domain's field message, nothing stored.
        await phone.GetByLabel("Naam van je idee").FillAsync("Buurtbarbecue <script>alert(1)</script>");
        await phone.GetByLabel("Wat wil je doen?").FillAsync("Een middag samen eten op het grasveld.");
        await phone.GetByLabel("Hoeveel geld is nodig? (euro)").FillAsync("2000");
        await phone.GetByLabel("Tot wanneer mogen buren geld geven?").FillAsync(DateTime.Today.AddDays(20).ToString("yyyy-MM-dd"));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Idee indienen" }).ClickAsync();
        await Expect(phone.GetByText("Het doelbedrag ligt tussen € 3,00 en € 1.500,00.").Last).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(phone);

        await phone.GetByLabel("Hoeveel geld is nodig? (euro)").FillAsync("60,00");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Idee indienen" }).ClickAsync();
        await Expect(phone.GetByRole(AriaRole.Status)).ToHaveTextAsync("Je idee is ingediend. Een buurtverbinder kijkt ernaar.");
        await Expect(phone.GetByTestId("idea-state")).ToHaveTextAsync("Wacht op beoordeling");
        // Typed HTML is shown as text, never run.
        await Expect(phone.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Buurtbarbecue <script>alert(1)</script>");

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.GotoAsync(site.Url("/beheer/moderatie"));
        Assert.StartsWith(site.Url("/beheer/inloggen"), desk.Url);   // staff pages need a staff sign-in
        await desk.SignInHereAsync(WaardechequeSite.ModeratorEmail);
        await Assertions.Expect(desk).ToHaveURLAsync(site.Url("/beheer/moderatie"));
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "Buurtbarbecue <script>alert(1)</script>" })).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("verbinder-moderatie-desktop");

        var card = desk.Locator("article", new() { HasText = "Buurtbarbecue <script>alert(1)</script>" });
        await card.GetByRole(AriaRole.Button, new() { Name = "Goedkeuren" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToContainTextAsync("Goedgekeurd");

        await phone.ReloadAsync();
        await Expect(phone.GetByTestId("idea-state")).ToHaveTextAsync("Zoekt geld");
        await Expect(phone.GetByTestId("households")).ToHaveTextAsync("0 van 3 huishoudens");
        await Expect(phone.GetByLabel("Bedrag in euro")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task a_connector_rejects_an_idea_with_a_reason_the_resident_sees()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (afwijzen)", ("Lindelaan", 21));
        var resident = program.Cheques[0];
        await site.ActivateAsync(resident);
        var phone = await browser.NewPageAsync(Screen.Phone);
        await phone.GotoAsync(site.Url($"/c/{resident.Code}"));
        await phone.GotoAsync(site.Url("/idee-voorstellen"));
        await phone.GetByLabel("Naam van je idee").FillAsync("Reclamebord voor mijn winkel");
        await phone.GetByLabel("Hoeveel geld is nodig? (euro)").FillAsync("30");
        await phone.GetByLabel("Tot wanneer mogen buren geld geven?").FillAsync(DateTime.Today.AddDays(10).ToString("yyyy-MM-dd"));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Idee indienen" }).ClickAsync();
        await Expect(phone.GetByTestId("idea-state")).ToHaveTextAsync("Wacht op beoordeling");

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        var card = desk.Locator("article", new() { HasText = "Reclamebord voor mijn winkel" });
        await card.GetByLabel("Reden van afwijzen (de bewoner ziet dit)").FillAsync("Een commercieel doel past niet bij de spelregels.");
        await card.GetByRole(AriaRole.Button, new() { Name = "Afwijzen" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status)).ToContainTextAsync("Afgewezen");

        await phone.ReloadAsync();
        await Expect(phone.GetByTestId("idea-state")).ToHaveTextAsync("Niet goedgekeurd");
        await Expect(phone.GetByText("Niet goedgekeurd: Een commercieel doel past niet bij de spelregels.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task the_municipality_sees_the_audit_at_a_glance()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (controle)", ("Beukenlaan", 41), ("Beukenlaan", 43), ("Beukenlaan", 45));
        foreach (var c in program.Cheques) await site.ActivateAsync(c);
        var ideaId = await site.OpenIdeaAsync(program.Cheques[0], "Speeltoestel", 900);
        foreach (var c in program.Cheques) await site.PledgeAsync(c, ideaId, 300);

        var desk = await browser.NewPageAsync(Screen.Desktop);
        await desk.SignInAsync(site, WaardechequeSite.AdminEmail);
        await desk.GotoAsync(site.Url($"/beheer/regelingen/{program.Id}"));
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Seghwaert Doet (controle)");
        await Expect(desk.GetByTestId("reconciles")).ToContainTextAsync("Het geld klopt");
        await Expect(desk.GetByRole(AriaRole.Row, new() { Name = "Uitgedeeld op cheques € 22,50" })).ToBeVisibleAsync();
        await Expect(desk.GetByRole(AriaRole.Row, new() { Name = "Vast voor gelukte ideeën € 9,00" })).ToBeVisibleAsync();
        await Expect(desk.Locator("svg.chart").First).ToBeVisibleAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(desk);
        await desk.SaveScreenshotAsync("gemeente-regeling-controle-desktop");

        // A connector may not see the audit.
        var moderator = await browser.NewPageAsync(Screen.Desktop);
        await moderator.SignInAsync(site, WaardechequeSite.ModeratorEmail);
        await moderator.GotoAsync(site.Url($"/beheer/regelingen/{program.Id}"));
        Assert.Contains("geenToegang=1", moderator.Url);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
