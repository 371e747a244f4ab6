using System.Net;
using System.Net.Http.Json;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// The app on a real Kestrel port, built by <see cref="WebApp.Build"/> as production builds it: body limits are
/// Kestrel's, and the client address the limiters count is a real one.
/// </summary>
public sealed class RealPortHostTests : RealPortTests
{
    [Fact]
    public async Task a_body_over_one_megabyte_is_refused_with_413()
    {
        var small = await Client.PostAsync("/probe/body", new ByteArrayContent(new byte[100_000]));
        var huge = await Client.PostAsync("/probe/body", new ByteArrayContent(new byte[BodyLimits.Default + 1]));

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        await huge.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task an_address_over_eight_kilobytes_is_a_414_problem_not_kestrels_empty_answer()
    {
        var response = await Client.GetAsync("/health/live?q=" + new string('a', RequestLimits.MaxRequestLineBytes));

        await response.AssertProblemAsync(HttpStatusCode.RequestUriTooLong, "uri_too_long");
    }

    [Fact]
    public async Task headers_over_thirty_two_kilobytes_are_a_431_problem_not_kestrels_empty_answer()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        for (var i = 0; i < 5; i++) request.Headers.Add($"X-Filler-{i}", new string('h', 8 * 1024));

        var response = await Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "headers_too_large");
    }

    [Fact]
    public async Task head_works_on_a_get_route_over_real_kestrel()
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health/live"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task a_route_can_raise_its_own_body_limit()
    {
        var response = await Client.PostAsync("/probe/big-body", new ByteArrayContent(new byte[2 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2 * 1024 * 1024, await response.Content.ReadFromJsonAsync<int>());
    }

    [Fact]
    public async Task the_eleventh_failed_code_within_an_hour_is_429_with_retry_after()
    {
        // No trusted proxy is configured here, so a forwarded address the client made up changes nothing.
        for (var i = 0; i < 10; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/probe/code-attempt/wrong");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            Assert.Equal(HttpStatusCode.NotFound, (await Client.SendAsync(request)).StatusCode);
        }

        var blocked = await Client.PostAsync("/probe/code-attempt/ok", null);

        await blocked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = blocked.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), AttemptLimiters.DefaultWindow);
    }

    [Fact]
    public async Task a_forwarded_https_from_an_untrusted_client_turns_on_neither_hsts_nor_secure_cookies()
    {
        // No trusted proxy is configured here: anyone could send this header.
        var request = new HttpRequestMessage(HttpMethod.Get, "/beheer/inloggen");
        request.Headers.Host = "waardecheque.zoetermeer.example";
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await Client.SendAsync(request);

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("wc_af=")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task repeated_wrong_staff_passwords_are_rate_limited_even_for_the_right_one()
    {
        for (var i = 0; i < 10; i++)
        {
            var wrong = await Client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = TestApp.AdminEmail, password = $"gok {i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await Client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = TestApp.AdminEmail, password = TestApp.AdminPassword });

        await right.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(right.Headers.RetryAfter?.Delta);
    }
}
