using System.Net;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Pages;

public sealed class ReadSidePageWorld : ApiWorld;

/// <summary>
/// Every page that reads through the ReadModels query classes (issue 11: one read side for the API and the pages)
/// opens and shows what it read: the cheque with its program (buurt name, rules), ideas, programs, expenses. Most of
/// these pages are walked through in the browser tests; this is the quick check that none of them fails to render.
/// </summary>
public sealed class ReadSidePageTests(ReadSidePageWorld w) : IClassFixture<ReadSidePageWorld>
{
    [Fact]
    public async Task the_resident_and_staff_pages_render_what_the_query_classes_read()
    {
        var program = await w.OpenProgramAsync();
        var me = await w.ResidentAsync(program, "Rozentuin", 1);
        var idea = await w.ProposeAsync(me, "Bankje bij de vijver", ApiWorld.Street("Rozentuin"), 2000);
        await w.PostJsonAsync($"/api/v1/ideas/{idea}/approve", w.Moderator);
        await w.ProposeAsync(me, "Wacht op een verbinder", ApiWorld.Buurt(ApiWorld.Tuinen), 1000);

        var resident = PageClient.Anonymous(w.App);
        Assert.Equal(HttpStatusCode.Redirect, (await resident.GetAsync($"/c/{ApiWorld.CodeFor(program, "Rozentuin", 1)}")).StatusCode);
        var mine = await resident.GetHtmlAsync("/mijn-cheque");
        Assert.Contains("Rozentuin", mine);
        Assert.Contains("Tuinen", mine);                     // the buurt's name from the program, not its code
        Assert.Contains("Bankje bij de vijver", mine);
        Assert.Contains("Bankje bij de vijver", await resident.GetHtmlAsync($"/ideeen/{idea}"));
        Assert.Contains("Tuinen", await resident.GetHtmlAsync("/idee-voorstellen"));
        Assert.Contains("Bankje bij de vijver", await resident.GetHtmlAsync($"/ideeen/{idea}/verzamelen"));
        Assert.Contains("Bankje bij de vijver", await resident.GetHtmlAsync($"/ideeen/{idea}/uitgaven"));

        var admin = await PageClient.SignInAsync(w.App, TestApp.AdminEmail, TestApp.AdminPassword);
        Assert.Contains("Seghwaert Doet 2026", await admin.GetHtmlAsync("/beheer/regelingen"));
        Assert.Contains("Seghwaert Doet 2026", await admin.GetHtmlAsync($"/beheer/regelingen/{program}"));
        Assert.Contains("Seghwaert Doet 2026", await admin.GetHtmlAsync($"/beheer/regelingen/{program}/beheren"));
        await admin.GetHtmlAsync($"/beheer/regelingen/{program}/cheque-kwijt");
        var moderation = await admin.GetHtmlAsync("/beheer/moderatie");
        Assert.Contains("Wacht op een verbinder", moderation);
        Assert.Contains("Tuinen", moderation);
        await admin.GetHtmlAsync("/beheer/uitgaven");

        var walkIn = await admin.PostFormAsync("/beheer/inloop", "/beheer/inloop?handler=Find",
            new() { ["code"] = ApiWorld.CodeFor(program, "Rozentuin", 1) });
        Assert.Equal(HttpStatusCode.OK, walkIn.StatusCode);
        var found = WebUtility.HtmlDecode(await walkIn.Content.ReadAsStringAsync());
        Assert.Contains("Tuinen", found);
        Assert.Contains("Bankje bij de vijver", found);     // an open idea of its street, to pledge to
    }
}
