using System.Text.RegularExpressions;
using Waardecheque.BrowserTests.Harness;
using Xunit.Sdk;

namespace Waardecheque.BrowserTests.Site;

/// <summary>Signing in at <c>/beheer/inloggen</c> as a member of staff, the way every staff journey starts.</summary>
public static class StaffSignIn
{
    /// <summary>
    /// Opens the login page, fills it in, presses the button, and waits until the app has answered the POST and the
    /// browser has left the login page. Waiting for the POST's answer first matters twice: a test that moves on to
    /// another page too early aborts the sign-in, and when the app refuses (a wrong password, a rate limit, an
    /// expired form) the test fails at once with the app's status and heading instead of a 45 s navigation timeout.
    /// </summary>
    public static async Task SignInAsync(this IPage page, WaardechequeSite site, string email)
    {
        await page.GotoAsync(site.Url("/beheer/inloggen"));
        await page.SignInHereAsync(email);
    }

    /// <summary>As <see cref="SignInAsync"/>, on the login page the browser is on now (say, after a staff page sent it
    /// there, so it returns to that page afterwards).</summary>
    public static async Task SignInHereAsync(this IPage page, string email)
    {
        await page.GetByLabel("E-mailadres").FillAsync(email);
        await page.GetByLabel("Wachtwoord").FillAsync(WaardechequeSite.Password);
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Inloggen" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/beheer/inloggen"));
        if (answer.Status != 302)
        {
            var heading = await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).First.TextContentAsync();
            var problem = await page.Locator("[role=alert]").AllTextContentsAsync();
            throw new XunitException($"Signing in as {email} was answered {answer.Status} (\"{heading}\"; {string.Join(" ", problem)}).");
        }
        await page.LeaveAsync(new Regex("/beheer/inloggen"));
    }
}
