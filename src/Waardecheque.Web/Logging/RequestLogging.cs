using System.Diagnostics;
using Waardecheque.Web.Auth;

namespace Waardecheque.Web.Logging;

/// <summary>
/// One log line per request: request id, actor, method, path (cheque codes masked, no query string), status and
/// duration; errors carry their exception. Bodies and headers are never logged: resident-session bodies hold codes
/// and the Authorization header holds a token.
/// </summary>
public static class RequestLogging
{
    private const string ExceptionItem = "Waardecheque.RequestException";
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Lets the request line show an exception that was turned into a 5xx response further in.</summary>
    public static void RecordException(HttpContext http, Exception exception) => http.Items[ExceptionItem] = exception;

    /// <summary>Outermost middleware: times the whole request and writes its line when it ends.</summary>
    internal static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestLoggingMiddleware>();

    /// <summary>Right after authentication: every line logged further in names the actor.</summary>
    internal static IApplicationBuilder UseActorLogScope(this IApplicationBuilder app) =>
        app.UseMiddleware<ActorLogScopeMiddleware>();

    internal static Exception? RecordedException(HttpContext http) => http.Items[ExceptionItem] as Exception;

    internal static Dictionary<string, object> Scope(HttpContext http) => new()
    {
        ["RequestId"] = http.TraceIdentifier,
        ["Actor"] = http.User.Actor(),
    };
}

internal sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[RequestLogging.RequestIdHeader] = http.TraceIdentifier;
            return Task.CompletedTask;
        });
        Exception? escaped = null;
        try
        {
            await next(http);
        }
        catch (Exception e)
        {
            escaped = e;
            throw;
        }
        finally
        {
            Write(http, Stopwatch.GetElapsedTime(started), escaped);
        }
    }

    private void Write(HttpContext http, TimeSpan elapsed, Exception? escaped)
    {
        var status = escaped is null ? http.Response.StatusCode : StatusCodes.Status500InternalServerError;
        var path = LogRedaction.RedactPath(http.Request.PathBase.Add(http.Request.Path).Value ?? "/");
        var level = status >= 500 ? LogLevel.Error
            : path.StartsWith("/health/", StringComparison.Ordinal) && status < 400 ? LogLevel.Debug // probes every few seconds
            : LogLevel.Information;
        if (!log.IsEnabled(level)) return;
        using (log.BeginScope(RequestLogging.Scope(http)))
        {
            log.Log(level, escaped ?? RequestLogging.RecordedException(http),
                "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms",
                http.Request.Method, path, status, elapsed.TotalMilliseconds);
        }
    }
}

internal sealed class ActorLogScopeMiddleware(RequestDelegate next, ILogger<ActorLogScopeMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        using (log.BeginScope(RequestLogging.Scope(http))) await next(http);
    }
}
