namespace Waardecheque.EventStore;

/// <summary>What a session will write to one stream at commit.</summary>
internal sealed class PendingStream(Guid id)
{
    public Guid Id { get; } = id;
    /// <summary>The stream must not exist yet; it is inserted into mt_streams at commit.</summary>
    public bool IsNew { get; init; }
    /// <summary>mt_streams.type for a new stream (the aggregate's type name), when known.</summary>
    public string? AggregateType { get; init; }
    /// <summary>The version the stream must be at; null appends at whatever version it has.</summary>
    public long? ExpectedVersion { get; set; }
    public List<object> Events { get; } = [];
    /// <summary>Two appends in this session disagreed about the version; thrown at commit before any write.</summary>
    public ConcurrencyException? Conflict { get; set; }
}
