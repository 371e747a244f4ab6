using Serilog;
using Serilog.AspNetCore;
using Serilog.Events;
using Serilog.Extensions.Hosting;

using Waardecheque.Web.Auth;

namespace Waardecheque.Web.Logging;

/// <summary>
/// One log line per request, written by Serilog.AspNetCore's request logging: request id, actor, method, path (cheque
/// codes masked by <see cref="RedactingEnricher"/>, no query string), status and duration; errors carry their
/// exception. Bodies and headers are never logged: resident-session bodies hold codes and the Authorization header
/// holds a token.
/// </summary>
public static class RequestLogging
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>The line's template. Serilog.AspNetCore fills RequestMethod, RequestPath, StatusCode and Elapsed.</summary>
    public const string Template = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";

    /// <summary>Serilog.AspNetCore's middleware needs the diagnostic context that collects each request's properties.</summary>
    internal static IServiceCollection AddRequestLogging(this IServiceCollection services) => services
        .AddSingleton(sp => new DiagnosticContext(sp.GetRequiredService<Serilog.ILogger>()))
        .AddSingleton<IDiagnosticContext>(sp => sp.GetRequiredService<DiagnosticContext>());

    /// <summary>Outermost middleware: times the whole request and writes its line when it ends.</summary>
    internal static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                http.Response.Headers[RequestIdHeader] = http.TraceIdentifier;
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = Template;
            options.IncludeQueryInRequestPath = false;   // query strings can carry secrets
            options.GetLevel = Level;
            // Called when the request has ended, so the actor is known even for a request that signed in.
            options.EnrichDiagnosticContext = (context, http) =>
            {
                context.Set("RequestId", http.TraceIdentifier);
                context.Set("Actor", http.User.Actor());
            };
        });
    }

    /// <summary>Right after authentication: every line logged further in names the actor.</summary>
    internal static IApplicationBuilder UseActorLogScope(this IApplicationBuilder app) =>
        app.UseMiddleware<ActorLogScopeMiddleware>();

    internal static Dictionary<string, object> Scope(HttpContext http) => new()
    {
        ["RequestId"] = http.TraceIdentifier,
        ["Actor"] = http.User.Actor(),
    };

    private static LogEventLevel Level(HttpContext http, double elapsedMs, Exception? exception)
    {
        var status = exception is null ? http.Response.StatusCode : StatusCodes.Status500InternalServerError;
        if (status >= 500) return LogEventLevel.Error;
        // Load balancers probe every few seconds: a healthy answer is not worth a line.
        return http.Request.Path.StartsWithSegments("/health") && status < 400 ? LogEventLevel.Debug : LogEventLevel.Information;
    }
}

internal sealed class ActorLogScopeMiddleware(RequestDelegate next, ILogger<ActorLogScopeMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        using (log.BeginScope(RequestLogging.Scope(http))) await next(http);
    }
}
