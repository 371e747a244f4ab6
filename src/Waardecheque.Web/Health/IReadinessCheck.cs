namespace Waardecheque.Web.Health;

/// <summary>
/// One condition for <c>/health/ready</c>. The app is ready only when every registered check says so; register more
/// with <see cref="HealthServices.AddReadinessCheck{T}"/> (e.g. "the event store schema is current").
/// A check should answer within a couple of seconds and report problems rather than throw.
/// </summary>
public interface IReadinessCheck
{
    string Name { get; }
    Task<ReadinessResult> CheckAsync(CancellationToken cancellationToken);
}

/// <param name="Reason">Why not ready, in Dutch, shown to operators in the 503 problem.</param>
public sealed record ReadinessResult(bool IsReady, string? Reason = null)
{
    public static readonly ReadinessResult Ready = new(true);
    public static ReadinessResult NotReady(string reason) => new(false, reason);
}
