namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// The real clock, which a test can move forward in one jump (e.g. past a time-out it does not want to sit out).
/// Kept beside FakeTimeProvider on purpose: a FakeTimeProvider stands still between Advance calls, and the drill that
/// uses this clock needs time that keeps running (a restarting database, real waits) with a jump on top.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
