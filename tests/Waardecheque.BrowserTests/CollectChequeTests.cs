using System.Text.RegularExpressions;
using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.Site;

namespace Waardecheque.BrowserTests;

/// <summary>An initiator collects neighbours' paper cheques into their idea: by phone camera (jsQR) and by typing.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CollectChequeTests(BrowserSession browser, WaardechequeSite site) : IClassFixture<WaardechequeSite>
{
    [Fact]
    public async Task the_initiator_scans_one_paper_cheque_and_types_the_next()
    {
        var program = await site.SeedProgramAsync("Seghwaert Doet (verzamelen)", ("Wilgenlaan", 61), ("Wilgenlaan", 63), ("Wilgenlaan", 65));
        var (initiator, first, second) = (program.Cheques[0], program.Cheques[1], program.Cheques[2]);
        await site.ActivateAsync(initiator);
        var ideaId = await site.OpenIdeaAsync(initiator, "Bloembollen", 1200);

        // The fake camera shows the first neighbour's letter: the QR code holds the cheque URL.
        var video = FakeCamera.WriteQrVideo($"http://127.0.0.1/c/{first.Code}",
            Path.Combine(Path.GetTempPath(), $"waardecheque-collect-{Guid.NewGuid():N}.y4m"));
        var cameraBrowser = await browser.LaunchExtraBrowserAsync(FakeCamera.ChromiumArgs(video));
        try
        {
            var options = BrowserSession.ContextOptions(Screen.Phone);
            options.Permissions = ["camera"];
            var phone = await browser.NewPageAsync(options, cameraBrowser);
            await phone.GotoAsync(site.Url($"/c/{initiator.Code}"));
            await phone.GotoAsync(site.Url($"/ideeen/{ideaId}"));
            await phone.GetByRole(AriaRole.Link, new() { Name = "Papieren cheques van buren verzamelen" }).ClickAsync();
            await phone.ArriveAtAsync(new Regex($"/ideeen/{ideaId}/verzamelen$"));
            await AxeScan.AssertNoSeriousViolationsAsync(phone);

            await phone.GetByRole(AriaRole.Button, new() { Name = "Scan de QR-code met de camera" }).ClickAsync();
            // The whole € 7,50 fits (two more households can still give € 1,00 each).
            await Assertions.Expect(phone.Locator("p.notice[role=status]")).ToHaveTextAsync("Gelukt: € 7,50 van deze cheque gaat naar je idee.");
            await Assertions.Expect(phone.GetByTestId("progress")).ToContainTextAsync("€ 7,50 van € 12,00");
            await phone.SaveScreenshotAsync("initiatiefnemer-verzamelen-phone");

            // Typing works too; now only € 3,50 fits (one more household must still be able to give € 1,00), the rest stays.
            await phone.GetByLabel("Code van je waardecheque").FillAsync(second.Code.ToString().ToLowerInvariant());
            await phone.GetByRole(AriaRole.Button, new() { Name = "Cheque toevoegen" }).ClickAsync();
            await Assertions.Expect(phone.Locator("p.notice[role=status]")).ToHaveTextAsync("Gelukt: € 3,50 van deze cheque gaat naar je idee.");
            await Assertions.Expect(phone.GetByTestId("households")).ToHaveTextAsync("2 van 3 huishoudens");
            await AxeScan.AssertNoSeriousViolationsAsync(phone);
        }
        finally
        {
            await cameraBrowser.CloseAsync();
            File.Delete(video);
        }

        var events = await site.EventsAsync(first.Id);
        Assert.Contains(events, e => e.Type == "cheque_activated");   // a never-scanned paper cheque is activated by the collection
        Assert.Contains(events, e => e.Type == "credit_pledged");
    }
}
