namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// The rule of the attempt limits, kept pure so it is tested without a database: at most <c>limit</c> failures per
/// client within any <c>window</c> (a true sliding window: each failure counts for exactly one window after it
/// happened).
/// </summary>
public static class SlidingWindow
{
    /// <summary>
    /// Null when one more attempt is allowed; otherwise how long until the oldest failure that still blocks slides
    /// out. <paramref name="recentFailures"/> are this client's failures, newest first; only the newest
    /// <paramref name="limit"/> of them can matter, so the caller need not fetch more.
    /// </summary>
    public static TimeSpan? RetryAfter(IReadOnlyList<DateTimeOffset> recentFailures, int limit, TimeSpan window, DateTimeOffset now)
    {
        var counted = recentFailures.Where(at => at + window > now).Take(limit).ToList();
        return counted.Count < limit ? null : counted.Min() + window - now;
    }
}
