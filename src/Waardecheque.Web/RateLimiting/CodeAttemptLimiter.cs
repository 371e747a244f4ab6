using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Limits failed attempts per client address (API.md: failed code attempts are rate limited). Call
/// <see cref="EnsureAllowed"/> before checking a code, and <see cref="RecordFailure"/> when a well-formed code
/// matched nothing. Successes do not reset the count: one valid code must not buy an attacker new guesses.
/// </summary>
public interface ICodeAttemptLimiter
{
    /// <summary>Throws a 429 <c>rate_limited</c> <see cref="ApiProblemException"/> with Retry-After when this client used up its failures.</summary>
    void EnsureAllowed(HttpContext http);

    void RecordFailure(HttpContext http);
}

internal sealed class ClientAttemptLimiter(SlidingWindowLimiter window) : ICodeAttemptLimiter
{
    public void EnsureAllowed(HttpContext http)
    {
        if (window.RetryAfter(ClientKey.For(http.Connection.RemoteIpAddress)) is { } wait)
            throw ApiProblemException.RateLimited(wait);
    }

    public void RecordFailure(HttpContext http) => window.RecordFailure(ClientKey.For(http.Connection.RemoteIpAddress));
}

public static class AttemptLimiters
{
    /// <summary>The keyed <see cref="ICodeAttemptLimiter"/> that counts failed staff sign-ins (separately from codes).</summary>
    public const string StaffLogin = "staff-login";

    public const int DefaultLimit = 10;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    internal static IServiceCollection AddAttemptLimiters(this IServiceCollection services)
    {
        services.AddSingleton<ICodeAttemptLimiter>(sp => Create(sp, sp.GetRequiredService<IConfiguration>()));
        services.AddKeyedSingleton<ICodeAttemptLimiter>(StaffLogin, (sp, _) =>
            new ClientAttemptLimiter(new SlidingWindowLimiter(DefaultLimit, DefaultWindow, sp.GetRequiredService<TimeProvider>())));
        return services;
    }

    private static ClientAttemptLimiter Create(IServiceProvider sp, IConfiguration config)
    {
        var limit = config.GetValue(WebConfig.CodeAttemptLimit, DefaultLimit);
        var window = TimeSpan.FromSeconds(config.GetValue(WebConfig.CodeAttemptWindowSeconds, DefaultWindow.TotalSeconds));
        return new ClientAttemptLimiter(new SlidingWindowLimiter(limit, window, sp.GetRequiredService<TimeProvider>()));
    }
}
