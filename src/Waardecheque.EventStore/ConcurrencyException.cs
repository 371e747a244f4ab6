namespace Waardecheque.EventStore;

/// <summary>A stream was not at the expected version (or a new stream already existed) at commit.</summary>
public sealed class ConcurrencyException(Guid streamId, long expected, long? actual)
    : Exception($"Stream {streamId} was expected at version {expected} but is at {actual?.ToString() ?? "a newer version"}.")
{
    public Guid StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expected;
    public long? ActualVersion { get; } = actual;
}
