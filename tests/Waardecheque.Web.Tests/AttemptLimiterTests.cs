using System.Net;
using Microsoft.AspNetCore.Http;
using Waardecheque.Web.Errors;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

public sealed class AttemptLimiterTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void a_client_may_fail_ten_times_and_is_then_told_how_long_to_wait()
    {
        var limiter = new SlidingWindowLimiter(10, TimeSpan.FromMinutes(10), _clock);
        for (var i = 0; i < 9; i++) limiter.RecordFailure("1.2.3.4");
        Assert.Null(limiter.RetryAfter("1.2.3.4"));

        limiter.RecordFailure("1.2.3.4");

        Assert.Equal(TimeSpan.FromMinutes(10), limiter.RetryAfter("1.2.3.4"));
    }

    [Fact]
    public void failures_slide_out_of_the_window_one_by_one()
    {
        var limiter = new SlidingWindowLimiter(3, TimeSpan.FromMinutes(10), _clock);
        limiter.RecordFailure("a");           // 12:00
        _clock.Advance(TimeSpan.FromMinutes(4));
        limiter.RecordFailure("a");           // 12:04
        limiter.RecordFailure("a");           // 12:04
        Assert.Equal(TimeSpan.FromMinutes(6), limiter.RetryAfter("a"));

        _clock.Advance(TimeSpan.FromMinutes(6)); // 12:10: the first failure no longer counts

        Assert.Null(limiter.RetryAfter("a"));
        limiter.RecordFailure("a");
        Assert.Equal(TimeSpan.FromMinutes(4), limiter.RetryAfter("a"));
    }

    [Fact]
    public void one_client_failing_does_not_limit_another()
    {
        var limiter = new SlidingWindowLimiter(2, TimeSpan.FromMinutes(10), _clock);
        limiter.RecordFailure("a");
        limiter.RecordFailure("a");

        Assert.NotNull(limiter.RetryAfter("a"));
        Assert.Null(limiter.RetryAfter("b"));
    }

    [Fact]
    public void the_code_limiter_throws_a_rate_limited_problem_with_the_wait()
    {
        ICodeAttemptLimiter limiter = new ClientAttemptLimiter(new SlidingWindowLimiter(1, TimeSpan.FromMinutes(10), _clock));
        var http = new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse("203.0.113.7") } };
        limiter.EnsureAllowed(http);
        limiter.RecordFailure(http);

        var problem = Assert.Throws<ApiProblemException>(() => limiter.EnsureAllowed(http));

        Assert.Equal(429, problem.Status);
        Assert.Equal("rate_limited", problem.Code);
        Assert.Equal(TimeSpan.FromMinutes(10), problem.RetryAfter);
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
