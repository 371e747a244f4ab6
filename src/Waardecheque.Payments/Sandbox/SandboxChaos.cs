namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// Trouble on request, for tests: the sandbox misbehaves the way Stripe and networks do. Reachable only from code in
/// the same process (a test host resolves it from DI); there is no HTTP route to it, so the demo and production
/// cannot be steered from outside. Each fault applies to the next matching request(s), then is used up.
/// </summary>
public sealed class SandboxChaos
{
    private readonly Lock _lock = new();
    private readonly List<Fault> _faults = [];
    private int _refundFailures;
    private volatile bool _held;
    private volatile bool _reversed;

    /// <summary>Answer <paramref name="status"/> (429, 409, 500, ...) without doing the work.</summary>
    public void FailNext(int status, int times = 1, string? pathContains = null) => Add(new Fault(FaultKind.Status, times, pathContains, status));

    /// <summary>Do the work and commit it, then drop the connection before any answer is written.</summary>
    public void DropConnectionAfterWork(int times = 1, string? pathContains = null) => Add(new Fault(FaultKind.Drop, times, pathContains));

    /// <summary>Wait <paramref name="delay"/> after the work, before committing (the idempotency key stays taken).</summary>
    public void AnswerSlowly(TimeSpan delay, int times = 1, string? pathContains = null) => Add(new Fault(FaultKind.Slow, times, pathContains, Delay: delay));

    /// <summary>The next refund(s) go pending and then fail, as a bank may refuse one.</summary>
    public void FailNextRefunds(int times = 1) { lock (_lock) _refundFailures += times; }

    /// <summary>Every event is put in the outbox twice (Stripe delivers at least once).</summary>
    public bool DeliverEventsTwice { get; set; }

    /// <summary>Keep events in the outbox until <see cref="ReleaseDeliveries"/>.</summary>
    public void HoldDeliveries() => _held = true;

    /// <summary>Deliver what was held; <paramref name="newestFirst"/> sends them in reverse order.</summary>
    public void ReleaseDeliveries(bool newestFirst = false)
    {
        _reversed = newestFirst;
        _held = false;
    }

    internal bool DeliveriesHeld => _held;
    internal bool DeliverNewestFirst => _reversed;

    internal int? TakeFailure(string path) => Take(FaultKind.Status, path)?.Status;
    internal bool TakeDrop(string path) => Take(FaultKind.Drop, path) is not null;
    internal TimeSpan? TakeSlow(string path) => Take(FaultKind.Slow, path)?.Delay;

    internal bool TakeRefundFailure()
    {
        lock (_lock)
        {
            if (_refundFailures == 0) return false;
            _refundFailures--;
            return true;
        }
    }

    private void Add(Fault fault)
    {
        lock (_lock) _faults.Add(fault);
    }

    private Fault? Take(FaultKind kind, string path)
    {
        lock (_lock)
        {
            var i = _faults.FindIndex(f => f.Kind == kind && (f.PathContains is null || path.Contains(f.PathContains, StringComparison.Ordinal)));
            if (i < 0) return null;
            var fault = _faults[i];
            if (fault.Times <= 1) _faults.RemoveAt(i);
            else _faults[i] = fault with { Times = fault.Times - 1 };
            return fault;
        }
    }

    private enum FaultKind { Status, Drop, Slow }

    private sealed record Fault(FaultKind Kind, int Times, string? PathContains, int Status = 0, TimeSpan Delay = default);
}
