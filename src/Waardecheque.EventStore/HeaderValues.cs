using System.Text.Json;

namespace Waardecheque.EventStore;

/// <summary>
/// Header values are stored as JSON. They are normalised when set (string, long, decimal, bool, null, or a JsonElement
/// for objects and arrays), so an inline projection sees the same values a later reader of the log does.
/// </summary>
internal static class HeaderValues
{
    public static object? Normalize(object? value, JsonSerializerOptions options) =>
        value is null ? null : FromElement(JsonSerializer.SerializeToElement(value, value.GetType(), options));

    public static IReadOnlyDictionary<string, object?> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new Dictionary<string, object?>();
        foreach (var p in doc.RootElement.EnumerateObject()) result[p.Name] = FromElement(p.Value);
        return result;
    }

    public static string? Serialize(IReadOnlyDictionary<string, object?> headers, JsonSerializerOptions options) =>
        headers.Count == 0 ? null : JsonSerializer.Serialize(headers, options);

    private static object? FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number when e.TryGetInt64(out var l) => l,
        JsonValueKind.Number when e.TryGetDecimal(out var d) => d,
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => e.Clone(),
    };
}
