using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using Waardecheque.Domain.Programs;
using Waardecheque.Web.Logging;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

public sealed class RequestLoggingFixture : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;
    public async Task InitializeAsync() => App = await TestApp.StartAsync(nameof(RequestLoggingTests));
    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class RequestLoggingTests(RequestLoggingFixture fixture) : IClassFixture<RequestLoggingFixture>
{
    private const string Code = "K7QM-3XRP-9T2C-W";
    private readonly TestApp _app = fixture.App;
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task a_cheque_code_never_reaches_the_log_from_a_path_a_body_or_a_header()
    {
        await _client.GetAsync($"/c/{Code}");
        await _client.GetAsync($"/c/{Code.ToLowerInvariant().Replace("-", "")}?code={Code}");
        await _client.PostAsync("/api/v1/resident/sessions", new StringContent($$"""{"code":"{{Code}}"}""", Encoding.UTF8, "application/json"));
        await _client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = Code, password = Code });
        await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/probe/policy/staff") { Headers = { { "Authorization", $"Bearer {Code}" } } });
        await _app.Log.WaitForLineAsync(l => l.Contains("/probe/policy/staff"));

        var output = _app.Log.AllOutput;
        // The status depends on the resident pages (/c/{code} is theirs); the path is what must be redacted.
        Assert.Matches(@"GET /c/\*\*\* responded \d{3}", output);
        Assert.DoesNotContain(Code, output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Code.Replace("-", ""), output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Authorization", output);
    }

    [Fact]
    public async Task each_request_gets_one_line_with_its_request_id_actor_method_path_status_and_duration()
    {
        var response = await _client.GetAsync("/api/v1/nothing-here");
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        var line = await _app.Log.WaitForLineAsync(l => l.Contains(requestId));

        Assert.Matches(@$"\[{requestId} anonymous\] HTTP GET /api/v1/nothing-here responded 404 in \d+\.\d ms", line);
        Assert.Single(_app.Log.Lines, l => l.Contains(requestId));
    }

    [Fact]
    public async Task a_healthy_probe_writes_no_line_so_load_balancers_do_not_flood_the_log()
    {
        var probe = await _client.GetAsync("/health/live");
        var probeId = probe.Headers.GetValues("X-Request-Id").Single();
        var next = await _client.GetAsync("/api/v1/nothing-here");
        var nextId = next.Headers.GetValues("X-Request-Id").Single();

        await _app.Log.WaitForLineAsync(l => l.Contains(nextId));
        await Task.Delay(200);   // the probe ended first; give its line, if any, time to land

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.DoesNotContain(_app.Log.Lines, l => l.Contains(probeId));
    }

    [Fact]
    public async Task the_line_names_the_signed_in_staff_member()
    {
        var token = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var response = await _client.GetAsync("/probe/policy/admin", token);
        var actor = await response.Content.ReadAsStringAsync();
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        var line = await _app.Log.WaitForLineAsync(l => l.Contains(requestId));

        Assert.StartsWith("staff:", actor);
        Assert.Contains($"[{requestId} {actor}] HTTP GET /probe/policy/admin responded 200", line);
    }

    [Fact]
    public async Task a_crash_is_logged_as_an_error_with_its_exception_once()
    {
        var response = await _client.GetAsync("/probe/crash");
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        await _app.Log.WaitForLineAsync(l => l.Contains(requestId) && l.Contains("responded 500"));

        var events = _app.Log.Events.Where(e => e.Exception?.Message == ProbeEndpoints.LeakyMessage).ToList();
        var error = Assert.Single(events);
        Assert.Equal(LogEventLevel.Error, error.Level);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }

    [Theory]
    [InlineData("/c/K7QM-3XRP-9T2C-W", "/c/***")]
    [InlineData("/c/k7qm3xrp9t2cw/activate", "/c/***/activate")]
    [InlineData("GET https://x.nl/c/ABCD?x=1 failed", "GET https://x.nl/c/***?x=1 failed")]
    [InlineData("code K7QM-3XRP-9T2C-W onbekend", "code *** onbekend")]
    [InlineData("/api/v1/ideas/0190f3c4-2b1e-7c3d-9a4b-123456789abc", "/api/v1/ideas/0190f3c4-2b1e-7c3d-9a4b-123456789abc")]
    [InlineData("/health/ready", "/health/ready")]
    public void redaction_masks_codes_and_leaves_ids_alone(string text, string expected)
    {
        Assert.Equal(expected, LogRedaction.Redact(text));
    }

    [Fact]
    public async Task a_failed_event_store_batch_does_not_log_its_sql_parameters()
    {
        // Marten logs a failed batch with its SQL and every parameter (CRITTER-NOTES trap 7). Here the parameters carry
        // a marker: a stream id and an event body; the append fails its version check.
        var marker = Guid.NewGuid();
        await using var session = _app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append(marker, 7, new ProgramClosed(marker, DateTimeOffset.UtcNow));

        await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        await Task.Delay(200);

        Assert.DoesNotContain(marker.ToString(), _app.Log.AllOutput);
        Assert.DoesNotContain(_app.Log.Events, e => e.Properties.TryGetValue("SourceContext", out var c) && c.ToString().Contains("Marten"));
    }
}
