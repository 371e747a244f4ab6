using Microsoft.Extensions.Time.Testing;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Store;
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
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));
    public TestApp App { get; private set; } = null!;

    public Dictionary<string, string?> Settings => new()
    {
        [WebConfig.CodeKey] = ApiWorld.CodeKey,
        // The tests below are written for 10 failures per 10 minutes (the default is 10 per hour).
        [WebConfig.CodeAttemptLimit] = "10",
        [WebConfig.CodeAttemptWindowSeconds] = "600",
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
/// Failed code attempts are counted in PostgreSQL, one client at a time, so a guesser gets exactly its ten tries
/// however many requests it sends at once and however many app processes serve it; right codes never count. Each
/// test uses its own client address.
/// </summary>
public sealed class AttemptLimiterTests(AttemptLimiterWorld w) : IClassFixture<AttemptLimiterWorld>
{
    private static HttpContext From(string address) =>
        new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    /// <summary>One guess: null when it got a real answer (found or not), else the refusal.</summary>
    private static async Task<ApiProblemException?> TryAsync(ICodeAttemptLimiter limiter, string address, bool right = false)
    {
        try
        {
            await limiter.GuessAsync(From(address), _ => Task.FromResult<object?>(right ? "found" : null));
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
    public async Task right_guesses_never_count()
    {
        for (var i = 0; i < 20; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.20", right: true));

        for (var i = 0; i < 10; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.20"));
        Assert.Equal(429, (await TryAsync(Codes(), "203.0.113.20"))?.Status);
    }

    [Fact]
    public async Task a_burst_of_parallel_guesses_gets_exactly_the_limit_through()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => TryAsync(Codes(), "203.0.113.30"))));

        Assert.Equal(10, outcomes.Count(o => o is null));
        Assert.All(outcomes.OfType<ApiProblemException>(), p => Assert.Equal(429, p.Status));
        Assert.Equal(429, (await TryAsync(Codes(), "203.0.113.30"))?.Status);
    }

    [Fact]
    public async Task sixty_right_guesses_at_once_all_pass_even_with_failures_in_flight()
    {
        for (var i = 0; i < 9; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.31"));

        // One failure left: the sixty right ones and five wrong ones race for it.
        var right = Enumerable.Range(0, 60).Select(_ => Task.Run(() => TryAsync(Codes(), "203.0.113.31", right: true))).ToList();
        var wrong = Enumerable.Range(0, 5).Select(_ => Task.Run(() => TryAsync(Codes(), "203.0.113.31"))).ToList();
        var rightOutcomes = await Task.WhenAll(right);
        var wrongOutcomes = await Task.WhenAll(wrong);

        Assert.Equal(1, wrongOutcomes.Count(o => o is null));
        // Every right guess decided before the tenth failure passed; the rest were refused like a wrong one would be.
        var refused = rightOutcomes.OfType<ApiProblemException>().ToList();
        Assert.All(refused, p => Assert.Equal(429, p.Status));
        Assert.Equal(429, (await TryAsync(Codes(), "203.0.113.31", right: true))?.Status);
    }

    [Fact]
    public async Task a_client_over_its_limit_is_refused_even_with_a_right_guess()
    {
        for (var i = 0; i < 10; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.32"));

        Assert.Equal(429, (await TryAsync(Codes(), "203.0.113.32", right: true))?.Status);
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
    public async Task a_burst_split_over_two_app_processes_gets_exactly_the_limit_through()
    {
        await using var second = w.SecondProcess();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(i => Task.Run(() => TryAsync(Codes(i % 2 == 0 ? w.App : second), "203.0.113.41"))));

        Assert.Equal(10, outcomes.Count(o => o is null));
        Assert.All(outcomes.OfType<ApiProblemException>(), p => Assert.Equal(429, p.Status));
    }

    [Fact]
    public async Task a_full_queue_for_one_client_is_refused_at_once_and_idle_gates_are_forgotten()
    {
        var gates = new ClientGates(maxWaiting: 2);
        var holding = await gates.EnterAsync(1, CancellationToken.None);
        var waiting = new[] { gates.EnterAsync(1, CancellationToken.None), gates.EnterAsync(1, CancellationToken.None) };

        Assert.Null(await gates.EnterAsync(1, CancellationToken.None));
        Assert.NotNull(await gates.EnterAsync(2, CancellationToken.None)); // another client does not wait at all
        Assert.False(waiting[0].IsCompleted || waiting[1].IsCompleted);
        holding!.Dispose();
        (await waiting[0])!.Dispose();
        (await waiting[1])!.Dispose();
        Assert.Equal(1, gates.Count); // only client 2, which still holds its turn
    }

    private StaffSignInLimiter Staff(TestApp? app = null) => (app ?? w.App).Services.GetRequiredService<StaffSignInLimiter>();

    private static async Task<ApiProblemException?> SignInAsync(StaffSignInLimiter staff, string address, string email, bool right = false)
    {
        try
        {
            await staff.SignInAsync(From(address), email, _ => Task.FromResult(right
                ? new Waardecheque.Web.Auth.StaffMember(Guid.Empty, email, "admin", DateTimeOffset.UnixEpoch) : null));
            return null;
        }
        catch (ApiProblemException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task staff_sign_ins_are_counted_apart_from_codes()
    {
        for (var i = 0; i < 10; i++) Assert.Null(await SignInAsync(Staff(), "203.0.113.50", $"iemand{i}@zoetermeer.example"));

        Assert.Equal(429, (await SignInAsync(Staff(), "203.0.113.50", "nog-iemand@zoetermeer.example"))?.Status);
        Assert.Null(await TryAsync(Codes(), "203.0.113.50"));
    }

    [Fact]
    public async Task a_distributed_guesser_of_one_account_is_stopped_by_the_account_count()
    {
        const string admin = "wethouder@zoetermeer.example";
        for (var i = 0; i < 10; i++) Assert.Null(await SignInAsync(Staff(), $"198.51.100.{100 + i}", admin));

        // A fresh address, even with the right password, and in any spelling of the email: refused.
        Assert.Equal(429, (await SignInAsync(Staff(), "198.51.100.120", " WETHOUDER@zoetermeer.example", right: true))?.Status);
        // Another account is not affected.
        Assert.Null(await SignInAsync(Staff(), "198.51.100.121", "griffier@zoetermeer.example"));
    }

    [Fact]
    public async Task an_email_that_belongs_to_nobody_is_counted_the_same_way()
    {
        for (var i = 0; i < 10; i++) Assert.Null(await SignInAsync(Staff(), $"198.51.100.{130 + i}", "bestaat-niet@zoetermeer.example"));

        Assert.Equal(429, (await SignInAsync(Staff(), "198.51.100.140", "bestaat-niet@zoetermeer.example"))?.Status);
    }

    [Fact]
    public async Task a_stranger_cannot_lock_an_admin_out_of_the_address_they_signed_in_from_before()
    {
        const string admin = "burgemeester@zoetermeer.example";
        Assert.Null(await SignInAsync(Staff(), "192.0.2.60", admin, right: true));
        for (var i = 0; i < 10; i++) Assert.Null(await SignInAsync(Staff(), $"198.51.100.{150 + i}", admin));
        Assert.Equal(429, (await SignInAsync(Staff(), "198.51.100.170", admin, right: true))?.Status);

        // The admin's own address is held back only by its own count.
        Assert.Null(await SignInAsync(Staff(), "192.0.2.60", admin, right: true));
    }

    [Fact]
    public async Task housekeeping_deletes_attempts_that_can_no_longer_count()
    {
        var housekeeping = w.App.Services.GetServices<IHousekeeping>().Single(h => h.Name == "failed attempts");
        await housekeeping.RunAsync(CancellationToken.None); // what other tests left behind
        for (var i = 0; i < 10; i++) Assert.Null(await TryAsync(Codes(), "203.0.113.60"));

        Assert.Equal(0, await housekeeping.RunAsync(CancellationToken.None)); // all still in their window
        // The longest window in use is the staff account's (15 minutes).
        w.Clock.Advance(StaffSignInLimiter.AccountWindow + TimeSpan.FromSeconds(1));

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
