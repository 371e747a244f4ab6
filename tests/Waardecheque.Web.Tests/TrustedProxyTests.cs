using System.Net;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// Behind a trusted proxy the client address and scheme come from X-Forwarded-For and X-Forwarded-Proto; from anyone
/// else those headers are ignored. On a real port, so requests really come from 127.0.0.1.
/// </summary>
public sealed class TrustedProxyTests() : RealPortTests(new Dictionary<string, string?>
{
    [WebConfig.TrustedProxies] = "127.0.0.1, 10.0.0.0/8",
    [WebConfig.CodeAttemptLimit] = "3",
})
{
    private Task<HttpResponseMessage> GuessAsync(string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/probe/code-attempt/wrong");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return Client.SendAsync(request);
    }

    [Fact]
    public async Task each_resident_behind_the_proxy_has_their_own_count()
    {
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NotFound, (await GuessAsync("203.0.113.1")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await GuessAsync("203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GuessAsync("203.0.113.2")).StatusCode);
    }

    [Fact]
    public async Task aClient_cannot_dodge_the_count_by_prepending_addresses_of_its_own()
    {
        // The proxy appends the address it saw; whatever the client wrote before that is not believed.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await GuessAsync($"198.51.100.{i}, 203.0.113.3")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await GuessAsync("198.51.100.99, 203.0.113.3")).StatusCode);
    }

    [Fact]
    public async Task https_at_the_proxy_gives_secure_cookies()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/beheer/inloggen");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.4");
        var overHttps = await Client.SendAsync(request);
        var plain = await Client.GetAsync("/beheer/inloggen");

        Assert.Contains("secure", overHttps.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("wc_af=")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", plain.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("wc_af=")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task https_at_the_proxy_gives_hsts_and_plain_http_does_not()
    {
        // The Host a proxy passes on is the site's name (the framework never sends HSTS for localhost or 127.0.0.1).
        HttpRequestMessage Request(bool https)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/beheer/inloggen");
            request.Headers.Host = "waardecheque.zoetermeer.example";
            request.Headers.Add("X-Forwarded-For", "203.0.113.5");
            if (https) request.Headers.Add("X-Forwarded-Proto", "https");
            return request;
        }

        var overHttps = await Client.SendAsync(Request(https: true));
        var plain = await Client.SendAsync(Request(https: false));

        Assert.StartsWith("max-age=", overHttps.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5/32")]
    [InlineData("10.1.0.0/16", "10.1.0.0/16")]
    [InlineData(" ::1 , 192.168.0.0/24 ", "::1/128|192.168.0.0/24")]
    [InlineData("", "")]
    public void the_setting_lists_addresses_and_networks(string setting, string expected) =>
        Assert.Equal(expected, string.Join("|", TrustedProxies.Parse(setting)));

    [Fact]
    public void a_typo_in_the_setting_stops_the_start_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TrustedProxies.Parse("10.0.0.5, 10.0.0.300"));
        Assert.Contains("'10.0.0.300'", error.Message);
    }
}
