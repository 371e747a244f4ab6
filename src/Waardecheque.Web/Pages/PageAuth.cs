using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Waardecheque.Web.Auth;

namespace Waardecheque.Web.Pages;

/// <summary>
/// The pages sign people in with a cookie that holds an <see cref="ISessionTokens"/> token (the same sessions the
/// API's bearer tokens use: one table, revocable, hashed). Residents and staff have separate cookies, so a connector
/// can help a resident on the same device without losing either session. The API keeps its bearer scheme: page
/// policies name these schemes, the API's do not, so a cookie never authenticates an API call (no CSRF there).
/// </summary>
public static class PageAuth
{
    public const string ResidentScheme = "ResidentCookie";
    public const string StaffScheme = "StaffCookie";
    public const string ResidentCookie = "wc_bewoner";
    public const string StaffCookie = "wc_medewerker";

    public const string ResidentPolicy = "page-resident";
    public const string ModeratorPolicy = "page-moderator";   // buurtverbinder (or admin)
    public const string AuditPolicy = "page-audit";           // gemeente (admin) or auditor
    public const string AdminPolicy = "page-admin";           // gemeente (admin) only: changes to programs and cheques

    public const string ResidentLogin = "/code";
    public const string StaffLogin = "/beheer/inloggen";

    internal static void AddPageAuth(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<PageCookieOptions, PageCookieHandler>(ResidentScheme, o =>
            {
                o.CookieName = ResidentCookie; o.Kind = SessionKinds.Resident; o.LoginPath = ResidentLogin;
            })
            .AddScheme<PageCookieOptions, PageCookieHandler>(StaffScheme, o =>
            {
                o.CookieName = StaffCookie; o.Kind = SessionKinds.Staff; o.LoginPath = StaffLogin;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ResidentPolicy, p => p.AddAuthenticationSchemes(ResidentScheme).RequireRole(Roles.Resident))
            .AddPolicy(ModeratorPolicy, p => p.AddAuthenticationSchemes(StaffScheme).RequireRole(Roles.Moderator, Roles.Admin))
            .AddPolicy(AuditPolicy, p => p.AddAuthenticationSchemes(StaffScheme).RequireRole(Roles.Admin, Roles.Auditor))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(StaffScheme).RequireRole(Roles.Admin));
    }

    public static void SignInResident(HttpContext http, IssuedToken token) => Append(http, ResidentCookie, token);
    public static void SignInStaff(HttpContext http, IssuedToken token) => Append(http, StaffCookie, token);

    public static async Task SignOutAsync(HttpContext http, string cookie, ISessionTokens sessions)
    {
        if (http.Request.Cookies[cookie] is { Length: > 0 } token) await sessions.RevokeAsync(token, http.RequestAborted);
        http.Response.Cookies.Delete(cookie, new CookieOptions { Path = "/", Secure = http.Request.IsHttps, HttpOnly = true });
    }

    private static void Append(HttpContext http, string cookie, IssuedToken token) =>
        http.Response.Cookies.Append(cookie, token.Token, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Lax,   // Lax: a resident who follows a link to the site is still signed in
            IsEssential = true,
            Path = "/",
            Expires = token.ExpiresAt,
        });
}

public sealed class PageCookieOptions : AuthenticationSchemeOptions
{
    public string CookieName { get; set; } = "";
    public string Kind { get; set; } = "";
    public string LoginPath { get; set; } = "/";
}

/// <summary>Reads the session cookie; an anonymous visitor is sent to the login page, a wrong role gets a plain "no access".</summary>
internal sealed class PageCookieHandler(
    IOptionsMonitor<PageCookieOptions> options, ILoggerFactory logger, UrlEncoder encoder, ISessionTokens sessions)
    : AuthenticationHandler<PageCookieOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[Options.CookieName] is not { Length: > 0 } token) return AuthenticateResult.NoResult();
        var session = await sessions.FindAsync(token, Context.RequestAborted);
        return session is null || session.Kind != Options.Kind
            ? AuthenticateResult.Fail("unknown or expired session")
            : AuthenticateResult.Success(new AuthenticationTicket(session.ToClaimsPrincipal(Scheme.Name), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var back = Request.Path + Request.QueryString;
        Response.Redirect($"{Options.LoginPath}?terug={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Redirect($"{PageAuth.StaffLogin}?geenToegang=1");
        return Task.CompletedTask;
    }
}
