using Waardecheque.Web.Errors;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Where a guess (a code, a password) is checked and, if it failed, counted: one at a time per count, so that the
/// limit is exact however many requests arrive at once and however many app processes serve them.
/// <para>
/// For each guess: (1) a cheap read without any lock; a client already over its limit is refused there, before it
/// can queue. (2) The in-process gate of each count (<see cref="ClientGates"/>), then one short transaction that holds
/// the PostgreSQL advisory lock of each count: the failures are read again, a client over its limit is refused, else
/// the guess is checked and, only if it failed, recorded; then commit, and only then the answer. Every guess is thus
/// decided after every earlier one of the same client was recorded: at most <c>limit</c> failures per window get a
/// real answer, and a right guess from a client over its limit is refused like a wrong one (429 is no oracle).
/// Right guesses are never recorded, so sixty neighbours signing in with their own codes from one address do not
/// use up each other's tries: they only wait their turn (a few milliseconds each).
/// </para>
/// </summary>
public sealed class GuessGate(FailedAttempts attempts, TimeProvider time)
{
    /// <summary>Per count and process, beyond this many waiting the answer is 429 at once: honest bursts (a
    /// walk-in point, a community centre's wifi) stay well below it; a flood from one address does not queue forever.</summary>
    public const int MaxWaitingPerCount = 200;

    /// <summary>What a client that is only refused for a full queue should wait: the queue drains in well under this.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly ClientGates _gates = new(MaxWaitingPerCount);

    internal ClientGates Gates => _gates;

    /// <summary>
    /// Runs <paramref name="check"/> as one guess counted in every one of <paramref name="counts"/> (and refused with a
    /// 429 <c>rate_limited</c> when any of them is used up). Null from the check is a failed guess.
    /// <paramref name="refuseWhen"/> says which counts can refuse (all by default); every count records the failure.
    /// </summary>
    public async Task<T?> GuessAsync<T>(IReadOnlyList<AttemptCount> counts, Func<CancellationToken, Task<T?>> check,
        CancellationToken ct, Func<AttemptCount, bool>? refuseWhen = null) where T : class
    {
        var refusing = counts.Where(refuseWhen ?? (_ => true)).ToList();
        var before = time.GetUtcNow();
        if (refusing.Count > 0) ThrowIfBlocked(refusing, await attempts.RecentAsync(refusing, before, null, ct), before);

        var held = new List<IDisposable>();
        try
        {
            foreach (var count in counts.OrderBy(c => c.LockId))
                held.Add(await _gates.EnterAsync(count.LockId, ct)
                         ?? throw ApiProblemException.RateLimited(BusyRetryAfter));

            await using var connection = await attempts.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await attempts.LockAsync(connection, counts, ct);
            // The time is read under the lock, so each client's failures are recorded in the order they were decided.
            var now = time.GetUtcNow();
            if (refusing.Count > 0) ThrowIfBlocked(refusing, await attempts.RecentAsync(refusing, now, connection, ct), now);
            var result = await check(ct);
            if (result is null) await attempts.AddAsync(connection, counts, now, ct);
            await transaction.CommitAsync(ct);
            return result;
        }
        finally
        {
            for (var i = held.Count - 1; i >= 0; i--) held[i].Dispose();
        }
    }

    private static void ThrowIfBlocked(IReadOnlyList<AttemptCount> counts, IReadOnlyList<IReadOnlyList<DateTimeOffset>> failures,
        DateTimeOffset now)
    {
        TimeSpan? longest = null;
        for (var i = 0; i < counts.Count; i++)
            if (SlidingWindow.RetryAfter(failures[i], counts[i].Limit, counts[i].Window, now) is { } wait && (longest is null || wait > longest))
                longest = wait;
        if (longest is { } retryAfter) throw ApiProblemException.RateLimited(retryAfter);
    }
}
