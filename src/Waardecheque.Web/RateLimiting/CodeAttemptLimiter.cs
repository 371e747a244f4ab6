using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Limits failed attempts per client address (API.md: failed code attempts are rate limited). Call
/// <see cref="BeginAsync"/> before checking a code or password: the attempt counts as a failure from then on, until
/// <see cref="CodeAttempt.ForgetAsync"/> says it was not one (the code matched). Successes do not reset the count:
/// one valid code must not buy an attacker new guesses.
/// </summary>
public interface ICodeAttemptLimiter
{
    /// <summary>Counts one attempt of this client, or throws a 429 <c>rate_limited</c> <see cref="ApiProblemException"/>
    /// with Retry-After when the client has used up its failures (that attempt is then not counted).</summary>
    Task<CodeAttempt> BeginAsync(HttpContext http);
}

/// <summary>One attempt, counted as a failure unless forgotten.</summary>
public sealed class CodeAttempt(Func<Task> forget)
{
    /// <summary>For attempts that are never counted: a connector acting for a household at the walk-in point.</summary>
    public static CodeAttempt NotCounted { get; } = new(() => Task.CompletedTask);

    /// <summary>The attempt was not a failed guess (the code matched, the password was right): it no longer counts.</summary>
    public Task ForgetAsync() => forget();
}

/// <summary>
/// The attempt is written and committed first and the other attempts are counted after that, in a second statement.
/// Counting first and writing after (as an in-memory counter does) lets a burst of parallel guesses all pass the
/// check before any is written. This way every attempt that is let through saw every earlier one that was let
/// through, so at most <c>limit</c> pass in any window, whatever the number of requests or app processes.
/// </summary>
internal sealed class DatabaseAttemptLimiter(string name, int limit, TimeSpan window, FailedAttempts attempts, TimeProvider time)
    : ICodeAttemptLimiter
{
    public async Task<CodeAttempt> BeginAsync(HttpContext http)
    {
        var client = ClientKey.For(http.Connection.RemoteIpAddress);
        var now = time.GetUtcNow();
        var id = await attempts.AddAsync(name, client, now, http.RequestAborted);
        var others = await attempts.RecentAsync(name, client, now - window, id, limit, http.RequestAborted);
        if (SlidingWindow.RetryAfter(others, limit, window, now) is { } wait)
        {
            // A refused attempt is no guess: it must not stretch the wait.
            await attempts.RemoveAsync(id, CancellationToken.None);
            throw ApiProblemException.RateLimited(wait);
        }
        return new CodeAttempt(() => attempts.RemoveAsync(id, CancellationToken.None));
    }
}

public static class AttemptLimiters
{
    /// <summary>The keyed <see cref="ICodeAttemptLimiter"/> that counts failed staff sign-ins (separately from codes).</summary>
    public const string StaffLogin = "staff-login";

    /// <summary>The name under which failed cheque-code attempts are stored.</summary>
    public const string Codes = "codes";

    public const int DefaultLimit = 10;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    internal static IServiceCollection AddAttemptLimiters(this IServiceCollection services)
    {
        services.AddSingleton<FailedAttempts>();
        services.AddStartupTask<FailedAttemptsSchema>();
        services.AddSingleton<IHousekeeping, FailedAttemptsHousekeeping>();
        services.AddSingleton<ICodeAttemptLimiter>(sp => CodeLimiter(sp));
        services.AddKeyedSingleton<ICodeAttemptLimiter>(StaffLogin, (sp, _) =>
            new DatabaseAttemptLimiter(StaffLogin, DefaultLimit, DefaultWindow, sp.GetRequiredService<FailedAttempts>(),
                sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static DatabaseAttemptLimiter CodeLimiter(IServiceProvider sp)
    {
        var limit = sp.GetRequiredService<IConfiguration>().GetValue(WebConfig.CodeAttemptLimit, DefaultLimit);
        return new DatabaseAttemptLimiter(Codes, limit, CodeWindow(sp.GetRequiredService<IConfiguration>()),
            sp.GetRequiredService<FailedAttempts>(), sp.GetRequiredService<TimeProvider>());
    }

    internal static TimeSpan CodeWindow(IConfiguration config) =>
        TimeSpan.FromSeconds(config.GetValue(WebConfig.CodeAttemptWindowSeconds, DefaultWindow.TotalSeconds));
}

/// <summary>Deletes failed attempts that can no longer count: older than the longest window in use.</summary>
internal sealed class FailedAttemptsHousekeeping(FailedAttempts attempts, IConfiguration config, TimeProvider time) : IHousekeeping
{
    public string Name => "failed attempts";

    public Task<int> RunAsync(CancellationToken ct)
    {
        var codes = AttemptLimiters.CodeWindow(config);
        var longest = codes > AttemptLimiters.DefaultWindow ? codes : AttemptLimiters.DefaultWindow;
        return attempts.RemoveOlderThanAsync(time.GetUtcNow() - longest, ct);
    }
}
