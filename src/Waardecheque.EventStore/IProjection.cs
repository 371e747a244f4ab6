using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// A read model kept from the event log. Registered as inline (runs inside the appending transaction) or async
/// (run by the daemon, which writes the read model and the progression row in one transaction). Either can be
/// rebuilt: <see cref="ResetAsync"/> then every event in sequence order.
/// </summary>
public interface IProjection
{
    /// <summary>Unique name; also the key of its row in mt_event_progression.</summary>
    string Name { get; }
    /// <summary>Creates the read-model tables, idempotently. Tables live in the store's schema (search_path).</summary>
    Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct);
    Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct);
    /// <summary>Empties the read model before a rebuild.</summary>
    Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct);
}

public enum ProjectionLifecycle { Inline, Async }
