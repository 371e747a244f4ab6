using System.Collections.Concurrent;

namespace Waardecheque.EventStore;

/// <summary>
/// The newest folded aggregate this process has seen per stream (Marten would keep a snapshot). Events never change,
/// so an aggregate folded from versions 1..v is right for version v forever; the next fetch reads only the events
/// after v. That keeps a hot idea with hundreds of pledges from re-reading and re-folding its whole stream on every
/// pledge. Only immutable aggregates (records whose Apply returns a new state) are cached: a shared mutable one could
/// be changed by its user.
/// </summary>
internal sealed class AggregateCache
{
    private const int Capacity = 50_000;
    private readonly ConcurrentDictionary<(Type, Guid), (long Version, object Aggregate)> _entries = new();

    public bool TryGet<T>(Guid streamId, out long version, out T aggregate) where T : class
    {
        if (_entries.TryGetValue((typeof(T), streamId), out var entry))
        {
            version = entry.Version;
            aggregate = (T)entry.Aggregate;
            return true;
        }
        version = 0;
        aggregate = null!;
        return false;
    }

    public void Remember<T>(Guid streamId, long version, T aggregate) where T : class
    {
        // Crude but bounded, like the head cache: a full cache starts over; a miss only means a full read.
        if (_entries.Count >= Capacity) _entries.Clear();
        _entries.AddOrUpdate((typeof(T), streamId), (version, aggregate), (_, old) => old.Version >= version ? old : (version, aggregate));
    }
}
