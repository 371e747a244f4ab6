using Microsoft.AspNetCore.CookiePolicy;

namespace Waardecheque.Web.Hosting;

/// <summary>
/// When a request reached us over HTTPS, directly or through a trusted proxy (<see cref="TrustedProxies"/> has set the
/// scheme by then): <c>Strict-Transport-Security</c> on the response, so the browser never again tries plain HTTP,
/// and every cookie Secure. Over plain HTTP (a developer's machine, a test) neither: an HSTS header there is ignored
/// by browsers anyway, and a Secure cookie would not come back. The cookie policy is the net under every cookie the
/// app or the framework sets (sign-in, antiforgery, language, TempData): Secure when the request was HTTPS,
/// HttpOnly always (no script here reads a cookie), SameSite at least Lax.
/// </summary>
public static class HttpsHardening
{
    /// <summary>A year, as HSTS preload lists expect; no subdomains: the municipality's other sites are not ours to decide.</summary>
    public static readonly TimeSpan HstsMaxAge = TimeSpan.FromDays(365);

    internal static IServiceCollection AddHttpsHardening(this IServiceCollection services)
    {
        services.AddHsts(o =>
        {
            o.MaxAge = HstsMaxAge;
            o.IncludeSubDomains = false;
        });
        services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = CookieSecurePolicy.SameAsRequest;
            o.HttpOnly = HttpOnlyPolicy.Always;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        return services;
    }

    /// <summary>After the trusted proxies (they set the scheme), before anything writes a response.
    /// The framework's HSTS middleware skips localhost, 127.0.0.1 and [::1], so a developer's browser is not pinned.</summary>
    internal static WebApplication UseHttpsOnlyWhenHttps(this WebApplication app)
    {
        app.UseHsts();
        app.UseCookiePolicy();
        return app;
    }
}
