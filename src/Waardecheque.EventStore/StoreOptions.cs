namespace Waardecheque.EventStore;

/// <summary>How a <c>DocumentStore</c> is set up (Marten's StoreOptions).</summary>
public sealed class StoreOptions
{
    public required string ConnectionString { get; init; }
    /// <summary>All tables (mt_*, read models, outbox) live in this schema; tests use one schema per class.</summary>
    public string DatabaseSchemaName { get; init; } = "waardecheque";
    /// <summary>Event type aliases: every event type must be registered, e.g. Events.Add&lt;ChequeIssued&gt;("cheque_issued").</summary>
    public EventTypeRegistry Events { get; } = new();
    public ProjectionRegistry Projections { get; } = new();
    /// <summary>Extra DDL run (idempotently) with the schema at start-up, for tables owned by other layers.</summary>
    public List<string> ExtraSchemaSql { get; } = [];
}
