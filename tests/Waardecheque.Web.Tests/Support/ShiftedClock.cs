namespace Waardecheque.Web.Tests.Support;

/// <summary>The real clock, which a test can move forward in one jump (e.g. past a time-out it does not want to sit out).</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
