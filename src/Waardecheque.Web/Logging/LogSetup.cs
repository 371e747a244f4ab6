using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Logging;

/// <summary>
/// Serilog behind Microsoft.Extensions.Logging: code logs through <c>ILogger&lt;T&gt;</c>, levels come from the
/// usual <c>Logging:LogLevel</c> configuration, and Serilog formats and writes. Extra sinks registered as
/// <see cref="ILogEventSink"/> services get every event too (tests use this to read the log).
/// </summary>
public static class LogSetup
{
    public const string TextTemplate =
        "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {RequestTag:l}{Message:lj}{NewLine}{Exception}";

    /// <summary>The formatter the console uses: text by default, JSON lines with <c>Waardecheque:Logging:Format=json</c>.</summary>
    public static ITextFormatter Formatter(IConfiguration configuration) =>
        new RedactingFormatter(string.Equals(configuration[WebConfig.LogFormat], "json", StringComparison.OrdinalIgnoreCase)
            ? new JsonFormatter(renderMessage: true)
            : new MessageTemplateTextFormatter(TextTemplate, CultureInfo.InvariantCulture));

    internal static WebApplicationBuilder AddWaardechequeLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Serilog.ILogger>(sp => CreateLogger(
            sp.GetRequiredService<IConfiguration>(), sp.GetServices<ILogEventSink>()));
        builder.Services.AddSingleton<ILoggerProvider>(sp =>
            new SerilogLoggerProvider(sp.GetRequiredService<Serilog.ILogger>(), dispose: true));
        builder.Services.AddRequestLogging();
        return builder;
    }

    private static LogEventLevel DefaultLevel(IConfiguration configuration) =>
        Enum.TryParse<LogLevel>(configuration["Logging:LogLevel:Default"], ignoreCase: true, out var level)
            ? level switch
            {
                LogLevel.Trace => LogEventLevel.Verbose,
                LogLevel.Debug => LogEventLevel.Debug,
                LogLevel.Information => LogEventLevel.Information,
                LogLevel.Warning => LogEventLevel.Warning,
                LogLevel.Error => LogEventLevel.Error,
                _ => LogEventLevel.Fatal,
            }
            : LogEventLevel.Information;

    private static Logger CreateLogger(IConfiguration configuration, IEnumerable<ILogEventSink> extraSinks)
    {
        var config = new LoggerConfiguration()
            // Microsoft.Extensions.Logging's filters (Logging:LogLevel) decide what is logged; Serilog writes it.
            .MinimumLevel.Verbose()
            // Hosting's own per-request lines carry the raw path and duplicate ours.
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LogEventLevel.Warning)
            // The request line is written by Serilog.AspNetCore straight to Serilog, past Microsoft.Extensions.Logging's
            // filters: it gets the configured default level, so healthy probes (Debug) stay out unless asked for.
            .MinimumLevel.Override("Serilog.AspNetCore.RequestLoggingMiddleware", DefaultLevel(configuration))
            // Marten logs a failed batch at Error with its SQL AND its parameters (CRITTER-NOTES trap 7): personal data,
            // code lookups. The exception itself still reaches whoever handles it (and the request log), without them.
            .MinimumLevel.Override("Marten", LogEventLevel.Fatal)
            // Wolverine logs every failed InvokeAsync at Error under the message type's name (Executor), a broken rule
            // and a retried clash included, with the command's fields. The caller gets the exception and answers for it.
            .MinimumLevel.Override("Waardecheque.Domain", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            .Enrich.With(new RedactingEnricher(), new RequestTagEnricher())
            .WriteTo.Console(Formatter(configuration));
        foreach (var sink in extraSinks) config = config.WriteTo.Sink(sink);
        return config.CreateLogger();
    }
}
