using Microsoft.AspNetCore.Http.Features;

namespace Waardecheque.Web.Hosting;

/// <summary>
/// HEAD on every GET route (RFC 9110: a server that answers GET answers HEAD): endpoints are mapped for GET only, so a
/// HEAD request is routed as GET and its body is thrown away, leaving status and headers as GET would send them.
/// The method is HEAD again before the request log records it.
/// </summary>
public static class HeadRequests
{
    private const string Marker = "Waardecheque.HeadRequest";

    /// <summary>
    /// True for a HEAD request routed as GET. A route whose body discloses something (a cheque code) checks this so
    /// that a HEAD, which sends no body, neither does the work nor records a disclosure that never happened.
    /// </summary>
    public static bool IsHead(HttpContext http) => http.Items.ContainsKey(Marker);

    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next();
            return;
        }
        var original = http.Features.Get<IHttpResponseBodyFeature>()!;
        http.Request.Method = HttpMethods.Get;
        http.Items[Marker] = true;
        // Kestrel writes no body for a HEAD request anyway; the in-memory test host does, so the body goes nowhere here.
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null, original));
        try
        {
            await next();
        }
        finally
        {
            // The body stays discarded: a problem written further out (the exception handler) must not get one either.
            http.Request.Method = HttpMethods.Head;
        }
    });
}
