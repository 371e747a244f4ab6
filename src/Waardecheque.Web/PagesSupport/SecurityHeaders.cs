namespace Waardecheque.Web.PagesSupport;

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

    public static IApplicationBuilder UseWaardechequeSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()";
            return Task.CompletedTask;
        });
        await next(http);
    });
}
