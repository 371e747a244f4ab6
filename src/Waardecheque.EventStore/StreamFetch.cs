namespace Waardecheque.EventStore;

/// <summary>
/// One stream to load in <see cref="IEventOperations.FetchForWritingMany"/>: its aggregate type, its id, and whether
/// to hold a row lock on it until the session commits.
/// </summary>
public readonly record struct StreamFetch(Type AggregateType, Guid StreamId, bool ForUpdate = false);
