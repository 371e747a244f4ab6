namespace Waardecheque.EventStore;

/// <summary>
/// An event as the log holds it. Public so that projection tests can hand events to <see cref="IProjection.ApplyAsync"/>
/// without a database.
/// </summary>
public sealed record StoredEvent(
    Guid Id,
    long Sequence,
    Guid StreamId,
    long Version,
    object Data,
    string EventTypeName,
    DateTimeOffset Timestamp,
    string? CorrelationId,
    string? CausationId,
    string? UserName,
    IReadOnlyDictionary<string, object?> Headers,
    byte[] Hash) : IEvent
{
    public Type EventType => Data.GetType();

    public static readonly IReadOnlyDictionary<string, object?> NoHeaders = new Dictionary<string, object?>();
}
