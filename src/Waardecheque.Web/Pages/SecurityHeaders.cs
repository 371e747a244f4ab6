namespace Waardecheque.Web.Pages;

/// <summary>
/// Headers on every response (pages, API, files): scripts only from our own origin (no inline script), the site is
/// never framed, no Referer ever leaves a page (a cheque page's address must never travel to another site), and
/// browsers do not guess content types.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string FormTargetItem = "wc.csp.formTarget";

    /// <summary>
    /// For a page whose form is answered with a redirect to another origin (the top-up form: a 303 to Stripe Checkout):
    /// browsers apply <c>form-action</c> to that redirect too, so the page's policy must name the origin. Only a plain
    /// http(s) origin is taken.
    /// </summary>
    public static void AllowFormTarget(HttpContext http, string origin)
    {
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            http.Items[FormTargetItem] = uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The policy, with <paramref name="formTarget"/> (an origin) allowed as a form's target when given.</summary>
    public static string PolicyFor(string? formTarget) => formTarget is null
        ? ContentSecurityPolicy
        : ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {formTarget}");

    public static IApplicationBuilder UseWaardechequeSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = PolicyFor(http.Items[FormTargetItem] as string);
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()";
            return Task.CompletedTask;
        });
        await next(http);
    });
}
