namespace Waardecheque.EventStore;

/// <summary>One stored event with its metadata (Marten's IEvent).</summary>
public interface IEvent
{
    Guid Id { get; }
    long Sequence { get; }
    Guid StreamId { get; }
    long Version { get; }
    object Data { get; }
    Type EventType { get; }
    /// <summary>The stable alias stored in mt_events.type, e.g. "cheque_issued".</summary>
    string EventTypeName { get; }
    DateTimeOffset Timestamp { get; }
    string? CorrelationId { get; }
    string? CausationId { get; }
    string? UserName { get; }
    IReadOnlyDictionary<string, object?> Headers { get; }
    byte[] Hash { get; }
}
