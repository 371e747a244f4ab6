using System.Collections.Concurrent;

namespace Waardecheque.EventStore;

/// <summary>
/// The newest (version, head hash) this process has seen per stream. An event's hash never changes, so a cached
/// pair is right for that version forever; when a session appends at exactly the cached version the hash chain is
/// known up front and the whole write fits in one round trip. The write still checks version and head hash in SQL,
/// so a stale or wrong entry can only cost a retry, never a broken chain.
/// </summary>
internal sealed class StreamHeads
{
    private const int Capacity = 200_000;
    private readonly ConcurrentDictionary<Guid, (long Version, byte[] Hash)> _heads = new();

    public bool TryGet(Guid streamId, long version, out byte[] hash)
    {
        if (_heads.TryGetValue(streamId, out var head) && head.Version == version)
        {
            hash = head.Hash;
            return true;
        }
        hash = [];
        return false;
    }

    public void Remember(Guid streamId, long version, byte[] hash)
    {
        // Crude but bounded: a full cache starts over; misses only cost the two-round-trip path.
        if (_heads.Count >= Capacity) _heads.Clear();
        _heads.AddOrUpdate(streamId, (version, hash), (_, old) => old.Version >= version ? old : (version, hash));
    }

    /// <summary>
    /// Replaces what is cached, also at the same version: the database showed a different head hash than the cache
    /// (the cache was stale, or <see cref="StreamRechainer"/> rewrote the chain). <see cref="Remember"/> would keep the old one.
    /// </summary>
    public void Correct(Guid streamId, long version, byte[] hash) => _heads[streamId] = (version, hash);
}
