using System.Collections.Concurrent;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// At most <c>limit</c> failures per key within any <c>window</c> (a true sliding window: each failure counts
/// for exactly one window after it happened). Kept in this process's memory: with several app processes behind a
/// load balancer each one counts on its own, so the effective limit is multiplied by the number of processes.
/// </summary>
public sealed class SlidingWindowLimiter(int limit, TimeSpan window, TimeProvider time)
{
    // Past this many tracked keys, stale ones are swept so an attacker with many addresses cannot grow memory forever.
    private const int SweepThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    public int Limit => limit;
    public TimeSpan Window => window;

    /// <summary>Null when the key may try again; otherwise how long until its oldest counted failure slides out.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        if (!_failures.TryGetValue(key, out var queue)) return null;
        var now = time.GetUtcNow();
        lock (queue)
        {
            Prune(queue, now);
            return queue.Count < limit ? null : queue.Peek() + window - now;
        }
    }

    public void RecordFailure(string key)
    {
        var now = time.GetUtcNow();
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Prune(queue, now);
            queue.Enqueue(now);
            // Only the newest `limit` failures can ever matter; older ones would slide out first.
            while (queue.Count > limit) queue.Dequeue();
        }
        if (_failures.Count > SweepThreshold) Sweep(now);
    }

    private void Prune(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + window <= now) queue.Dequeue();
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, queue) in _failures)
        {
            bool empty;
            lock (queue)
            {
                Prune(queue, now);
                empty = queue.Count == 0;
            }
            if (empty) _failures.TryRemove(new KeyValuePair<string, Queue<DateTimeOffset>>(key, queue));
        }
    }
}
