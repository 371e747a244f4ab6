namespace Waardecheque.Payments.Gateway;

/// <summary>
/// How hard the gateway tries one Stripe call. Production keeps Stripe's own advice (a few tries, back-off from half a
/// second); tests shrink the delays to milliseconds so a retried call costs no wall-clock time.
/// </summary>
public sealed record RetrySettings
{
    public int Tries { get; init; } = 4;
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>One attempt that takes longer than this is abandoned and retried with the same idempotency key.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Exponential back-off with "equal jitter": half the step fixed, half random, so clients spread out.</summary>
    public TimeSpan DelayBefore(int nextAttempt, Random random)
    {
        var step = FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, nextAttempt - 2));
        var capped = Math.Min(step, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + random.NextDouble() * capped / 2);
    }
}
