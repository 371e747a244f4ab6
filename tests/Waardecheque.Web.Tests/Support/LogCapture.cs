using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Serilog.Core;
using Serilog.Events;
using Waardecheque.Web.Logging;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Tests.Support;

/// <summary>Every log line exactly as the console would print it, plus the raw events.</summary>
public sealed class LogCapture : ILogEventSink
{
    private static readonly Serilog.Formatting.ITextFormatter Text = LogSetup.Formatter(new ConfigurationBuilder().Build());
    private static readonly Serilog.Formatting.ITextFormatter Json = LogSetup.Formatter(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Waardecheque:Logging:Format"] = "json" }).Build());

    private readonly ConcurrentQueue<(LogEvent Event, string Text, string Json)> _events = new();

    public void Emit(LogEvent logEvent)
    {
        _events.Enqueue((logEvent, Render(Text, logEvent), Render(Json, logEvent)));
    }

    public IReadOnlyList<string> Lines => _events.Select(e => e.Text).ToList();

    /// <summary>Text and JSON renderings together: everything any log output would contain.</summary>
    public string AllOutput => string.Join("\n", _events.Select(e => e.Text + e.Json));

    public IReadOnlyList<LogEvent> Events => _events.Select(e => e.Event).ToList();

    /// <summary>The request line is written when the request ends, which can be just after the client has its answer.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            if (Lines.FirstOrDefault(match) is { } line) return line;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("No matching log line. Log:\n" + string.Join("", Lines));
    }

    private static string Render(Serilog.Formatting.ITextFormatter formatter, LogEvent e)
    {
        using var writer = new StringWriter();
        formatter.Format(e, writer);
        return writer.ToString();
    }
}
