using System.Text.Json;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>Reads mt_events rows back into <see cref="StoredEvent"/>s.</summary>
internal static class EventRows
{
    /// <summary>Select list matching <see cref="Read"/>; callers alias mt_events as e.</summary>
    public const string Columns =
        "e.seq_id, e.id, e.stream_id, e.version, e.data, e.type, e.timestamp, e.correlation_id, e.causation_id, e.headers, e.user_name, e.hash";

    public const int ColumnCount = 12;

    public static StoredEvent Read(NpgsqlDataReader r, EventTypeRegistry registry) => new(
        Id: r.GetGuid(1),
        Sequence: r.GetInt64(0),
        StreamId: r.GetGuid(2),
        Version: r.GetInt64(3),
        Data: Deserialize(r.GetString(5), r.GetString(4), registry),
        EventTypeName: r.GetString(5),
        Timestamp: r.GetFieldValue<DateTimeOffset>(6),
        CorrelationId: r.IsDBNull(7) ? null : r.GetString(7),
        CausationId: r.IsDBNull(8) ? null : r.GetString(8),
        UserName: r.IsDBNull(10) ? null : r.GetString(10),
        Headers: r.IsDBNull(9) ? StoredEvent.NoHeaders : HeaderValues.Parse(r.GetString(9)),
        Hash: r.GetFieldValue<byte[]>(11));

    /// <summary>
    /// An alias no type is registered for (an event type retired from the code) comes back as a JsonElement, so the
    /// daemon, the verifier and exports keep working; aggregates skip it because no Apply takes a JsonElement.
    /// </summary>
    private static object Deserialize(string alias, string json, EventTypeRegistry registry) =>
        registry.TryGetType(alias, out var type)
            ? JsonSerializer.Deserialize(json, type, registry.JsonOptions)
              ?? throw new InvalidOperationException($"Event of type '{alias}' has a null body.")
            : JsonSerializer.Deserialize<JsonElement>(json);

    public static async Task<List<StoredEvent>> ReadAllAsync(NpgsqlCommand cmd, EventTypeRegistry registry, CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) events.Add(Read(reader, registry));
        return events;
    }
}
