using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// The pages as a browser without JavaScript uses them: cookies kept, redirects not followed (so a test sees where
/// it is sent), signed in through the login form, and forms posted with the antiforgery token of the page they are on.
/// </summary>
public sealed partial class PageClient(HttpClient http)
{
    public static async Task<PageClient> SignInAsync(TestApp app, string email, string password)
    {
        var client = new PageClient(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        var signedIn = await client.PostFormAsync("/beheer/inloggen", "/beheer/inloggen", new() { ["email"] = email, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    public static PageClient Anonymous(TestApp app) =>
        new(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    public Task<HttpResponseMessage> GetAsync(string url) => http.GetAsync(url);

    /// <summary>The page's HTML, entities decoded.</summary>
    public async Task<string> GetHtmlAsync(string url)
    {
        var response = await http.GetAsync(url);
        // Decoded, so a test can look for "€ 7,50" rather than the encoder's "&#x20AC; 7,50".
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {html}");
        return html;
    }

    /// <summary>Opens <paramref name="page"/> for its antiforgery token, then posts the form to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, Dictionary<string, string>? fields = null)
    {
        var html = await (await http.GetAsync(page)).Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {page}");
        var form = new Dictionary<string, string>(fields ?? []) { ["__af"] = token.Groups[1].Value };
        return await http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts form fields as they are (the caller brings the antiforgery token, or the target needs none).</summary>
    public Task<HttpResponseMessage> PostPlainFormAsync(string action, Dictionary<string, string> fields) =>
        http.PostAsync(action, new FormUrlEncodedContent(fields));

    /// <summary>Posts a body as it is, e.g. a multipart form with a file (the caller brings the antiforgery token).</summary>
    public Task<HttpResponseMessage> PostAsync(string action, HttpContent content) => http.PostAsync(action, content);

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
