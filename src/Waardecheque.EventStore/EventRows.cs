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

    public static StoredEvent Read(NpgsqlDataReader r, EventTypeRegistry registry) => ReadRaw(r).ToEvent(registry);

    /// <summary>The row as read, body still JSON, so that deserialising can happen on other threads.</summary>
    public static RawEvent ReadRaw(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), r.GetString(4), r.GetString(5),
        r.GetFieldValue<DateTimeOffset>(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetString(10),
        r.GetFieldValue<byte[]>(11));

    internal readonly record struct RawEvent(long Sequence, Guid Id, Guid StreamId, long Version, string Json, string Type,
        DateTimeOffset Timestamp, string? CorrelationId, string? CausationId, string? Headers, string? UserName, byte[] Hash)
    {
        public StoredEvent ToEvent(EventTypeRegistry registry) => new(Id, Sequence, StreamId, Version,
            Deserialize(Type, Json, registry), Type, Timestamp, CorrelationId, CausationId, UserName,
            Headers is null ? StoredEvent.NoHeaders : HeaderValues.Parse(Headers), Hash);
    }

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
