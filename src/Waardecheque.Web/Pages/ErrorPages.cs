using System.Net;
using System.Text;
using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Pages;

/// <summary>
/// Friendly HTML for people: a page request (a browser asking for HTML, outside <c>/api</c>, <c>/openapi</c> and
/// <c>/health</c>) that fails gets a plain Dutch (or English) page instead of problem+json: not found (404), the form
/// was out of date (400 from a failed antiforgery check), no access, too many attempts, and something went wrong
/// (500/503, no exception text shown; the request log keeps it). API routes and API clients keep problem+json: this
/// runs inside <c>UseWaardechequeProblems</c> and only touches empty error responses and exceptions of page requests.
/// </summary>
public static class ErrorPages
{
    public static IApplicationBuilder UseFriendlyErrorPages(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!IsPageRequest(http.Request))
        {
            await next();
            return;
        }
        try
        {
            await next();
        }
        catch (Exception e) when (!http.Response.HasStarted && !(e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            ExceptionToProblem.RecordException(http, e);
            http.Response.Clear();
            http.Response.StatusCode = DatabaseServices.IsTransient(e) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            if (http.Response.StatusCode == StatusCodes.Status503ServiceUnavailable) http.Response.Headers.RetryAfter = "5";
            await WriteAsync(http);
            return;
        }
        if (http.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null } response && string.IsNullOrEmpty(response.ContentType))
            await WriteAsync(http);
    });

    public static bool IsPageRequest(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health")) return false;
        return request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task WriteAsync(HttpContext http)
    {
        var t = http.T();
        var status = http.Response.StatusCode;
        var (title, text) = status switch
        {
            404 => (t["errpage.404.title"], t["errpage.404.text"]),
            400 when HttpMethods.IsPost(http.Request.Method) => (t["errpage.form.title"], t["errpage.form.text"]),
            400 or 414 or 431 => (t["errpage.400.title"], t["errpage.400.text"]),
            401 or 403 => (t["errpage.403.title"], t["errpage.403.text"]),
            429 => (t["errpage.429.title"], t["errpage.429.text"]),
            503 => (t["errpage.503.title"], t["errpage.503.text"]),
            _ => (t["errpage.500.title"], t["errpage.500.text"]),
        };
        static string E(string s) => WebUtility.HtmlEncode(s);
        var back = HttpMethods.IsPost(http.Request.Method) && status == 400
            ? $"<p><a class=\"button\" href=\"{E(http.Request.Path.ToString())}\">{E(t["errpage.form.again"])}</a></p>"
            : "";
        var html = $"""
            <!DOCTYPE html>
            <html lang="{t.Lang}">
            <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="referrer" content="no-referrer">
                <meta name="robots" content="noindex">
                <title>{E(title)} · {E(t["site.name"])}</title>
                <link rel="stylesheet" href="/css/site.css">
            </head>
            <body>
            <header class="top"><div class="wrap top-row"><a class="brand" href="/">{E(t["site.name"])}</a></div></header>
            <main id="inhoud" class="wrap">
                <h1>{E(title)}</h1>
                <p>{E(text)}</p>
                {back}
                <p><a href="/">{E(t["errpage.home"])}</a></p>
                <p class="meta">{E(t["errpage.code"])} {status}</p>
            </main>
            </body>
            </html>
            """;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync(html, Encoding.UTF8, http.RequestAborted);
    }
}
