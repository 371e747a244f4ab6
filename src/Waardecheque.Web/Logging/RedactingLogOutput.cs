using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Logging;

/// <summary>Redacts every string property, so any sink (console, tests, a future shipper) gets clean values.</summary>
internal sealed class RedactingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && LogRedaction.Redact(text) is var clean && clean != text)
                (changed ??= []).Add(new LogEventProperty(name, new ScalarValue(clean)));
        }
        foreach (var property in changed ?? []) logEvent.AddOrUpdateProperty(property);
    }
}

/// <summary>
/// Redacts the finished line as well: literal message text and exception text are not properties, so the enricher
/// cannot reach them.
/// </summary>
internal sealed class RedactingFormatter(ITextFormatter inner) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var line = new StringWriter();
        inner.Format(logEvent, line);
        output.Write(LogRedaction.Redact(line.ToString()));
    }
}

/// <summary>Adds <c>RequestTag</c> = "[request actor] " to lines written during a request, nothing otherwise.</summary>
internal sealed class RequestTagEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        var requestId = Text(logEvent, "RequestId");
        if (requestId is null) return;
        var actor = Text(logEvent, "Actor") ?? "-";
        logEvent.AddPropertyIfAbsent(new LogEventProperty("RequestTag", new ScalarValue($"[{requestId} {actor}] ")));
    }

    private static string? Text(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var v) && v is ScalarValue { Value: { } value } ? value.ToString() : null;
}
