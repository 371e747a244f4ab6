using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Waardecheque.ReadModels;

/// <summary>
/// How event bodies, headers and outbox messages are written: camelCase, enums as strings. Marten is configured with
/// the same settings (WaardechequeStore), so a body reads the same whether Marten or our own SQL wrote it.
/// </summary>
public static class MessageJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Our settings on top of whatever options Marten hands us.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        if (!options.Converters.Any(c => c is JsonStringEnumConverter)) options.Converters.Add(new JsonStringEnumConverter());
        // The JSON goes to jsonb, never into HTML, so escaping '<' or 'é' would only make rows longer.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
