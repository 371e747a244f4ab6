namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>The handlers' clock, moved by the test (the pure rules get "now" from it; Wolverine's schedule keeps real time). Thread-safe.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public static ManualClock Now() => new(DateTimeOffset.UtcNow);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
