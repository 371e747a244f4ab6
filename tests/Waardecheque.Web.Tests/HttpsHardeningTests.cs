using Microsoft.AspNetCore.Mvc.Testing;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

public sealed class HttpsHardeningWorld : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;
    public async Task InitializeAsync() => App = await TestApp.StartAsync(nameof(HttpsHardeningTests));
    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>A request that reached the app over HTTPS gets HSTS and only Secure cookies; one over HTTP neither.</summary>
public sealed class HttpsHardeningTests(HttpsHardeningWorld w) : IClassFixture<HttpsHardeningWorld>
{
    private HttpClient Over(string scheme) => w.App.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri($"{scheme}://waardecheque.zoetermeer.example"),
        AllowAutoRedirect = false,
        HandleCookies = false,
    });

    private static IReadOnlyList<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

    [Fact]
    public async Task over_https_every_response_has_hsts_and_every_cookie_is_secure_and_http_only()
    {
        var login = await Over("https").GetAsync("/beheer/inloggen?lang=en");
        var api = await Over("https").GetAsync("/health/live");

        Assert.Equal("max-age=31536000", login.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.True(api.Headers.Contains("Strict-Transport-Security"));
        var cookies = Cookies(login);
        Assert.Contains(cookies, c => c.StartsWith("wc_af="));   // antiforgery
        Assert.Contains(cookies, c => c.StartsWith("wc_taal=")); // language
        Assert.All(cookies, c =>
        {
            Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=", c, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task over_plain_http_there_is_no_hsts_and_no_secure_cookie()
    {
        var login = await Over("http").GetAsync("/beheer/inloggen?lang=en");

        Assert.False(login.Headers.Contains("Strict-Transport-Security"));
        Assert.NotEmpty(Cookies(login));
        Assert.All(Cookies(login), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }
}
