using System.Text.RegularExpressions;

namespace Waardecheque.BrowserTests.Harness;

/// <summary>
/// Waiting until the browser is on the next page, without <c>WaitForURLAsync</c>: Playwright for .NET checks the
/// frame's load state and then subscribes to its events, and a <c>load</c> delivered in between is lost, so the
/// wait times out on a page that loaded long ago (microsoft/playwright-dotnet#3364; seen here as a 45 s timeout right
/// after a staff sign-in whose log said the page had gone network-idle). Polling the address and then the page's
/// main heading has no such window: both are asked again until they hold.
/// </summary>
public static class Arrival
{
    /// <summary>Until the address matches and the new page's main heading is shown.</summary>
    public static async Task ArriveAtAsync(this IPage page, Regex url)
    {
        await Assertions.Expect(page).ToHaveURLAsync(url);
        await page.MainHeadingShownAsync();
    }

    /// <summary>Until the address no longer matches (the browser left that page) and the next page's main heading is shown.</summary>
    public static async Task LeaveAsync(this IPage page, Regex url)
    {
        await Assertions.Expect(page).Not.ToHaveURLAsync(url);
        await page.MainHeadingShownAsync();
    }

    private static Task MainHeadingShownAsync(this IPage page) =>
        Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }).First).ToBeVisibleAsync();
}
