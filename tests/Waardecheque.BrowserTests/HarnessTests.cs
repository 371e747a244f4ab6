using System.Text.RegularExpressions;
using System.Buffers.Binary;
using Waardecheque.BrowserTests.Harness;
using Waardecheque.BrowserTests.SamplePages;
using Xunit.Sdk;

namespace Waardecheque.BrowserTests;

/// <summary>Proves the harness on hand-written pages: screens, screenshots, interaction, the axe scan both ways, and
/// jsQR from an image and from a (fake) camera.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HarnessTests(BrowserSession browser, SampleSite sample) : IClassFixture<SampleSite>
{
    private string Url(string path) => sample.Site.Url(path);

    [Fact]
    public async Task Accessible_Dutch_page_on_a_phone_passes_axe_and_is_screenshotted()
    {
        var page = await browser.NewPageAsync(Screen.Phone);
        var response = await page.GotoAsync(Url("/cheque"));
        Assert.True(response!.Ok);
        Assert.Equal("Mijn waardecheque", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());

        // The phone screen really is a phone: 390 CSS pixels wide, device scale 2, touch.
        Assert.Equal(390, await page.EvaluateAsync<int>("() => window.innerWidth"));
        Assert.Equal(2, await page.EvaluateAsync<double>("() => window.devicePixelRatio"));
        Assert.True(await page.EvaluateAsync<bool>("() => navigator.maxTouchPoints > 0"));

        // Under the page's own Content-Security-Policy (default-src 'self') axe is still injected and runs.
        var violations = await AxeScan.AssertNoSeriousViolationsAsync(page);
        Assert.DoesNotContain(violations, v => v.IsSeriousOrWorse);

        var path = await page.SaveScreenshotAsync("harness-cheque-phone");
        Assert.StartsWith(Path.Combine(RepoPaths.Root, "TestResults", "screenshots"), path);
        Assert.Equal(780, PngWidth(path)); // 390 CSS pixels at device scale 2
    }

    [Fact]
    public async Task Accessible_Dutch_page_on_a_desktop_passes_axe()
    {
        var page = await browser.NewPageAsync(Screen.Desktop);
        await page.GotoAsync(Url("/cheque"));
        Assert.Equal(1280, await page.EvaluateAsync<int>("() => window.innerWidth"));
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        var path = await browser.SaveScreenshotAsync(page, "harness-cheque-desktop", fullPage: false);
        Assert.Equal(1280, PngWidth(path));
    }

    [Fact]
    public async Task Filling_and_submitting_the_form_works_and_text_stays_text()
    {
        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(Url("/cheque"));
        await page.GetByLabel("Titel van je idee").FillAsync("Bankje bij de speeltuin <b>nu</b>");
        await page.GetByLabel("Hoeveel wil je inleggen? (in euro)").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Idee indienen" }).ClickAsync(); // a click, not a tap: see BrowserSession.ActionTimeoutMs

        await page.ArriveAtAsync(new Regex("/idee$"));
        Assert.Equal("Bedankt!", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
        Assert.Equal("Bankje bij de speeltuin <b>nu</b>", await page.Locator("#idee").TextContentAsync());
        Assert.Equal("€ 3,00", await page.Locator("#inleg").TextContentAsync());
        await AxeScan.AssertNoSeriousViolationsAsync(page);
        await page.SaveScreenshotAsync("harness-idee-bedankt-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Terug naar je waardecheque" }).ClickAsync();
        await page.ArriveAtAsync(new Regex("/cheque$"));
    }

    [Fact]
    public async Task Broken_page_is_reported_by_axe_with_a_readable_failure()
    {
        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(Url("/kapot"));
        await page.SaveScreenshotAsync("harness-kapot-phone");

        var violations = await AxeScan.RunAsync(page);
        var ids = violations.Select(v => v.Id).ToHashSet();
        Assert.Contains("image-alt", ids);      // <img> without alt
        Assert.Contains("label", ids);          // <input> without a label
        Assert.Contains("color-contrast", ids); // #c4c4c4 on white
        Assert.Contains("html-has-lang", ids);  // <html> without lang
        Assert.All(violations.Where(v => v.Id is "image-alt" or "label" or "color-contrast"), v => Assert.True(v.IsSeriousOrWorse));
        Assert.Equal("<img src=\"/logo.svg\" width=\"120\" height=\"40\">", violations.Single(v => v.Id == "image-alt").Nodes.Single().Html);

        var failure = Assert.Throws<XunitException>(() => AxeScan.AssertNoSeriousViolations(violations, page.Url));
        Assert.Contains("[critical] image-alt", failure.Message);
        Assert.Contains("[critical] label", failure.Message);
        Assert.Contains("[serious] color-contrast", failure.Message);
        Assert.Contains("/kapot", failure.Message);
        Assert.Contains("dequeuniversity.com", failure.Message);
    }

    [Fact]
    public async Task JsQR_from_npm_decodes_a_QR_image_in_chromium()
    {
        var page = await browser.NewPageAsync(Screen.Phone);
        await page.GotoAsync(Url("/scan-afbeelding"));
        var result = page.Locator("#resultaat[data-klaar]");
        await result.WaitForAsync();
        Assert.Equal(SampleSite.QrText, await result.TextContentAsync());
    }

    [Fact]
    public async Task JsQR_reads_a_QR_code_from_the_fake_phone_camera()
    {
        var video = FakeCamera.WriteQrVideo(SampleSite.QrText, Path.Combine(Path.GetTempPath(), $"waardecheque-qr-{Guid.NewGuid():N}.y4m"));
        var cameraBrowser = await browser.LaunchExtraBrowserAsync(FakeCamera.ChromiumArgs(video));
        try
        {
            var options = BrowserSession.ContextOptions(Screen.Phone);
            options.Permissions = ["camera"];
            var page = await browser.NewPageAsync(options, cameraBrowser);
            await page.GotoAsync(Url("/camera"));
            var result = page.Locator("#resultaat[data-klaar]");
            await result.WaitForAsync();
            Assert.Equal(SampleSite.QrText, await result.TextContentAsync());
            await page.SaveScreenshotAsync("harness-camera-phone");
            await AxeScan.AssertNoSeriousViolationsAsync(page);
        }
        finally
        {
            await cameraBrowser.CloseAsync();
            File.Delete(video);
        }
    }

    private static int PngWidth(string path)
    {
        var head = File.ReadAllBytes(path).AsSpan(0, 24);
        Assert.True(head[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        return BinaryPrimitives.ReadInt32BigEndian(head[16..20]);
    }
}
