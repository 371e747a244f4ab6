using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Limits failed cheque-code guesses per client address (API.md: failed code attempts are rate limited). Parse the
/// code first (a malformed code or a wrong check character is no guess and never counts), then let the limiter run
/// the lookup: <c>var cheque = await limiter.GuessAsync(http, ct => Find(code, ct))</c>. A lookup that finds nothing
/// (null) is a failure and counts; a found code never counts. A client over its limit gets a 429
/// <c>rate_limited</c> <see cref="ApiProblemException"/> with Retry-After, whether its code is right or not.
/// </summary>
public interface ICodeAttemptLimiter
{
    Task<T?> GuessAsync<T>(HttpContext http, Func<CancellationToken, Task<T?>> lookup) where T : class;
}

/// <summary>For guesses that are never counted: a connector acting for a household at the walk-in point.</summary>
public sealed class NotCounted : ICodeAttemptLimiter
{
    public static ICodeAttemptLimiter Limiter { get; } = new NotCounted();

    public Task<T?> GuessAsync<T>(HttpContext http, Func<CancellationToken, Task<T?>> lookup) where T : class =>
        lookup(http.RequestAborted);
}

/// <summary>Counts failures per client address (<see cref="ClientKey"/>) in PostgreSQL, through the <see cref="GuessGate"/>.</summary>
internal sealed class DatabaseAttemptLimiter(string name, int limit, TimeSpan window, GuessGate gate) : ICodeAttemptLimiter
{
    public Task<T?> GuessAsync<T>(HttpContext http, Func<CancellationToken, Task<T?>> lookup) where T : class =>
        gate.GuessAsync([new AttemptCount(name, ClientKey.For(http.Connection.RemoteIpAddress), limit, window)], lookup, http.RequestAborted);
}

public static class AttemptLimiters
{
    /// <summary>The name under which failed cheque-code attempts are stored.</summary>
    public const string Codes = "codes";

    /// <summary>
    /// 10 failed codes per hour per address (IPv6: per /64). From the code's entropy, not from habit: with 100,000
    /// addresses guessing for a year, 100,000 live cheques among 2^60 codes, the expected number of cheques found is
    /// 7.6e-4 (docs/web.md, "How many failed codes"). Honest residents almost never fail: the check character
    /// catches typos before they count, and right codes never count.
    /// </summary>
    public const int DefaultLimit = 10;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);

    internal static IServiceCollection AddAttemptLimiters(this IServiceCollection services)
    {
        services.AddSingleton<FailedAttempts>();
        services.AddSingleton<GuessGate>();
        services.AddStartupTask<FailedAttemptsSchema>();
        services.AddSingleton<IHousekeeping, FailedAttemptsHousekeeping>();
        services.AddSingleton<ICodeAttemptLimiter>(sp => new DatabaseAttemptLimiter(Codes,
            sp.GetRequiredService<IConfiguration>().GetValue(WebConfig.CodeAttemptLimit, DefaultLimit),
            CodeWindow(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<GuessGate>()));
        services.AddSingleton<StaffSignInLimiter>();
        return services;
    }

    internal static TimeSpan CodeWindow(IConfiguration config) =>
        TimeSpan.FromSeconds(config.GetValue(WebConfig.CodeAttemptWindowSeconds, DefaultWindow.TotalSeconds));
}

/// <summary>Deletes failed attempts that can no longer count (older than the longest window in use) and known
/// staff addresses older than their 30 days.</summary>
internal sealed class FailedAttemptsHousekeeping(FailedAttempts attempts, IConfiguration config, TimeProvider time) : IHousekeeping
{
    public string Name => "failed attempts";

    public Task<int> RunAsync(CancellationToken ct)
    {
        var longest = new[] { AttemptLimiters.CodeWindow(config), StaffSignInLimiter.AddressWindow, StaffSignInLimiter.AccountWindow }.Max();
        var now = time.GetUtcNow();
        return attempts.RemoveOlderThanAsync(now - longest, now - StaffSignInLimiter.KnownFor, ct);
    }
}
