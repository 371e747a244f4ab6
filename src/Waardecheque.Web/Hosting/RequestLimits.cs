using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Waardecheque.Web.Hosting;

/// <summary>
/// The limits on a request's address and headers (docs/web.md, "Request limits"). Kestrel enforces its own limits by
/// answering 414 or 431 itself, with an empty body, before any middleware runs, so a client would get no problem+json
/// and no code. So Kestrel gets generous hard limits (<see cref="ConfigureKestrel"/>) and the real limits are enforced
/// here, early: a request over them gets an empty 414/431 that the problem pages turn into problem+json with a code
/// (or, for a browser on a page, the friendly HTML page). Only a request beyond Kestrel's hard limits still gets
/// Kestrel's bare answer.
/// </summary>
public static class RequestLimits
{
    /// <summary>The request line (method, address with query, protocol): 8 KB, Kestrel's own default.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>All header lines together: 32 KB, Kestrel's own default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Header lines: 100, Kestrel's own default.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>What Kestrel itself refuses: eight times the real limits, so the real ones are always ours to answer.</summary>
    public const int HardFactor = 8;

    public static void ConfigureKestrel(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = MaxRequestLineBytes * HardFactor;
        limits.MaxRequestHeadersTotalSize = MaxHeaderBytes * HardFactor;
        limits.MaxRequestHeaderCount = MaxHeaderCount * HardFactor;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var status = StatusFor(http);
        if (status is { } refused)
        {
            // Empty on purpose: the problem pages (or the HTML error page for a browser) write the body.
            http.Response.StatusCode = refused;
            return;
        }
        await next();
    });

    /// <summary>414 or 431 when a limit is crossed, else null. Lengths are counted as Kestrel counts them, in bytes
    /// of the request as sent (an address is ASCII once percent-encoded; header values are Latin-1 at most).</summary>
    internal static int? StatusFor(HttpContext http)
    {
        var request = http.Request;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw.Length
            : request.PathBase.Value!.Length + request.Path.Value!.Length + request.QueryString.Value!.Length;
        // "GET /path?query HTTP/1.1\r\n"
        if (request.Method.Length + 1 + target + 1 + request.Protocol.Length + 2 > MaxRequestLineBytes)
            return StatusCodes.Status414UriTooLong;

        var count = 0;
        long bytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + 2 + (value?.Length ?? 0) + 2;   // "Name: value\r\n"
            }
        }
        return count > MaxHeaderCount || bytes > MaxHeaderBytes ? StatusCodes.Status431RequestHeaderFieldsTooLarge : null;
    }
}
