using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>The window rule on its own, without a database.</summary>
public sealed class SlidingWindowTests
{
    private static readonly DateTimeOffset Noon = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    private static DateTimeOffset[] At(params int[] minutesAfterNoon) =>
        minutesAfterNoon.OrderDescending().Select(m => Noon.AddMinutes(m)).ToArray();

    [Fact]
    public void a_client_may_fail_ten_times_and_is_then_told_how_long_to_wait()
    {
        Assert.Null(SlidingWindow.RetryAfter(At(0, 0, 0, 0, 0, 0, 0, 0, 0), 10, TenMinutes, Noon));
        Assert.Equal(TenMinutes, SlidingWindow.RetryAfter(At(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 10, TenMinutes, Noon));
    }

    [Fact]
    public void failures_slide_out_of_the_window_one_by_one()
    {
        Assert.Equal(TimeSpan.FromMinutes(6), SlidingWindow.RetryAfter(At(0, 4, 4), 3, TenMinutes, Noon.AddMinutes(4)));
        // At 12:10 the first failure no longer counts; a new one at 12:10 blocks until the 12:04 ones slide out.
        Assert.Null(SlidingWindow.RetryAfter(At(0, 4, 4), 3, TenMinutes, Noon.AddMinutes(10)));
        Assert.Equal(TimeSpan.FromMinutes(4), SlidingWindow.RetryAfter(At(0, 4, 4, 10), 3, TenMinutes, Noon.AddMinutes(10)));
    }
}

public sealed class AttemptLimiterWorld : IAsyncLifetime
{
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));
    public TestApp App { get; private set; } = null!;

    public Dictionary<string, string?> Settings => new()
    {
        [WebConfig.CodeKey] = ApiWorld.CodeKey,
    };

    public async Task InitializeAsync() =>
        App = await TestApp.StartAsync(nameof(AttemptLimiterTests), Settings, s => s.AddSingleton<TimeProvider>(Clock));

    /// <summary>A second app process on the same database, as behind a load balancer.</summary>
    public TestApp SecondProcess()
    {
        var second = new TestApp(App.ConnectionString, Settings, s => s.AddSingleton<TimeProvider>(Clock));
        _ = second.Server;
        return second;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Failed code attempts are counted in PostgreSQL, so a guesser gets the same ten tries however many requests it
/// sends at once and however many app processes serve it. Each test uses its own client address.
/// </summary>
public sealed class AttemptLimiterTests(AttemptLimiterWorld w) : IClassFixture<AttemptLimiterWorld>
{
    private static HttpContext From(string address) =>
        new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    private static async Task<ApiProblemException?> TryAsync(ICodeAttemptLimiter limiter, string address)
    {
        try
        {
            await limiter.BeginAsync(From(address));
            return null;
        }
        catch (ApiProblemException e)
        {
            return e;
        }
    }

    private ICodeAttemptLimiter Codes(TestApp? app = null) => (app ?? w.App).Services.GetRequiredService<ICodeAttemptLimiter>();

    [Fact]
    public async Task the_eleventh_attempt_is_a_rate_limited_problem_with_the_wait_and_a_refusal_does_not_stretch_it()
    {
        for (var i = 0; i < 10; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.7"));

        var problem = await TryAsync(Codes(), "203.0.113.7");
        w.Clock.Advance(TimeSpan.FromMinutes(9));
        var later = await TryAsync(Codes(), "203.0.113.7");
        w.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(429, problem?.Status);
        Assert.Equal("rate_limited", problem?.Code);
        Assert.Equal(TimeSpan.FromMinutes(10), problem?.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), later?.RetryAfter);
        Assert.Null(await TryAsync(Codes(), "203.0.113.7")); // the refused attempts did not count
        Assert.Null(await TryAsync(Codes(), "198.51.100.1")); // another client was never limited
    }

    [Fact]
    public async Task an_attempt_that_was_not_a_failure_is_forgotten()
    {
        for (var i = 0; i < 20; i++) await (await Codes().BeginAsync(From("203.0.113.20"))).ForgetAsync();

        Assert.Null(await TryAsync(Codes(), "203.0.113.20"));
    }

    [Fact]
    public async Task a_burst_of_parallel_guesses_gets_no_more_than_the_limit_through()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => TryAsync(Codes(), "203.0.113.30"))));

        var through = outcomes.Count(o => o is null);
        Assert.InRange(through, 1, 10);
        Assert.All(outcomes.OfType<ApiProblemException>(), p => Assert.Equal(429, p.Status));
        // However many the burst let through, the client has exactly the rest of its ten left (a burst can only
        // err on the side of refusing, when many attempts count each other before any is refused).
        var more = 0;
        while (await TryAsync(Codes(), "203.0.113.30") is null) more++;
        Assert.Equal(10, through + more);
    }

    [Fact]
    public async Task two_app_processes_share_one_count()
    {
        await using var second = w.SecondProcess();
        for (var i = 0; i < 5; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.40"));
        for (var i = 0; i < 5; i++) Assert.Null(await TryAsync(Codes(second), "203.0.113.40"));

        Assert.Equal(429, (await TryAsync(Codes(), "203.0.113.40"))?.Status);
        Assert.Equal(429, (await TryAsync(Codes(second), "203.0.113.40"))?.Status);
    }

    [Fact]
    public async Task staff_sign_ins_are_counted_apart_from_codes()
    {
        var staff = w.App.Services.GetRequiredKeyedService<ICodeAttemptLimiter>(AttemptLimiters.StaffLogin);
        for (var i = 0; i < 10; i++) Assert.Null(await TryAsync(staff, "203.0.113.50"));

        Assert.Equal(429, (await TryAsync(staff, "203.0.113.50"))?.Status);
        Assert.Null(await TryAsync(Codes(), "203.0.113.50"));
    }

    [Fact]
    public async Task housekeeping_deletes_attempts_that_can_no_longer_count()
    {
        var housekeeping = w.App.Services.GetServices<IHousekeeping>().Single(h => h.Name == "failed attempts");
        await housekeeping.RunAsync(CancellationToken.None); // what other tests left behind
        for (var i = 0; i < 10; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.60"));

        Assert.Equal(0, await housekeeping.RunAsync(CancellationToken.None)); // all still in their window
        w.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        Assert.True(await housekeeping.RunAsync(CancellationToken.None) >= 10);
        Assert.Null(await TryAsync(Codes(), "203.0.113.60"));
    }

    [Fact]
    public void ipv6_clients_are_counted_per_64_network_and_mapped_ipv4_as_ipv4()
    {
        Assert.Equal(ClientKey.For(IPAddress.Parse("2001:db8:1:2:aaaa::1")), ClientKey.For(IPAddress.Parse("2001:db8:1:2:bbbb::2")));
        Assert.NotEqual(ClientKey.For(IPAddress.Parse("2001:db8:1:2::1")), ClientKey.For(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("192.0.2.1", ClientKey.For(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.Equal("unknown", ClientKey.For(null));
    }
}
