using System.Collections.Concurrent;

namespace Waardecheque.EventStore;

/// <summary>
/// <see cref="IEventOperations.FetchForWritingMany"/> loads streams of several aggregate types in one round trip, so
/// it learns the types at run time; this closes the generic folding and the aggregate cache over each type once.
/// A fetch starts from this process's last fold of the stream (<see cref="Begin"/>) and folds only what came after it.
/// </summary>
internal abstract class StreamFolder
{
    private static readonly ConcurrentDictionary<Type, StreamFolder> ByType = new();

    public static StreamFolder For(Type aggregateType) => ByType.GetOrAdd(aggregateType, static t =>
        (StreamFolder)Activator.CreateInstance(typeof(StreamFolder<>).MakeGenericType(t))!);

    /// <summary>The cached fold to start from (version 0 and no aggregate when there is none).</summary>
    public abstract FoldStart Begin(DocumentStore store, Guid streamId);

    /// <summary>Folds the events read after <paramref name="start"/> and remembers the result for the next fetch.</summary>
    public abstract IEventStream<object> Finish(EventSession session, Guid streamId, FoldStart start, IReadOnlyList<IEvent> newer);

    /// <summary>The cached fold, possibly stale.</summary>
    public abstract object? Peek(DocumentStore store, Guid streamId);
}

/// <summary>Where a fetch starts: taken once, so the fold goes on from exactly the aggregate the read was sized for.</summary>
internal readonly record struct FoldStart(long Version, object? Aggregate);

internal sealed class StreamFolder<T> : StreamFolder where T : class
{
    public override FoldStart Begin(DocumentStore store, Guid streamId) =>
        AggregateFolder<T>.IsImmutable && store.Aggregates.TryGet<T>(streamId, out var version, out var aggregate)
            ? new FoldStart(version, aggregate)
            : default;

    public override IEventStream<object> Finish(EventSession session, Guid streamId, FoldStart start, IReadOnlyList<IEvent> newer)
    {
        var store = session.Store;
        if (newer.Count > 0) store.Heads.Remember(streamId, newer[^1].Version, newer[^1].Hash);
        var aggregate = AggregateFolder<T>.Fold(newer, (T?)start.Aggregate);
        // The version comes from the same reads as the events, so the two always agree.
        var version = newer.Count == 0 ? start.Version : newer[^1].Version;
        if (aggregate is not null && AggregateFolder<T>.IsImmutable) store.Aggregates.Remember(streamId, version, aggregate);
        return new EventStream<T>(session, streamId, aggregate, version);
    }

    public override object? Peek(DocumentStore store, Guid streamId) => Begin(store, streamId).Aggregate;
}
