using System.Net;
using System.Net.Http.Json;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>PostgreSQL is down: the app still starts, says it is alive but not ready, and answers 503 with Retry-After.</summary>
public sealed class UnreachableDatabaseTests : IAsyncLifetime
{
    // Port 1 on loopback refuses connections at once: a database that is not there.
    private const string Nowhere = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2";
    private readonly TestApp _app = new(Nowhere);
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task the_app_is_live_but_not_ready()
    {
        var live = await _client.GetAsync("/health/live");
        var ready = await _client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var problem = await ready.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "not_ready");
        Assert.NotEqual("ok", problem.GetProperty("checks").GetProperty("postgres").GetString());
        Assert.True(ready.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task a_request_that_needs_the_database_fails_cleanly_with_503_and_retry_after()
    {
        var signIn = await _client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = "a@b.nl", password = "whatever" });
        var withToken = await _client.GetAsync("/probe/policy/staff", new string('A', 43));

        await signIn.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(signIn.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // A token cannot be checked without the database: that is an outage, not a wrong token.
        await withToken.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
    }
}
