namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// One turn at a time per count in this process, with a cap on how many may wait. The advisory lock in PostgreSQL
/// already serialises a client's attempts across processes; this gate makes the waiting happen here, without a
/// connection, so one address that sends a thousand requests at once holds one pooled connection, not all of them.
/// </summary>
internal sealed class ClientGates(int maxWaiting)
{
    private readonly Dictionary<long, Gate> _gates = [];

    private sealed class Gate
    {
        public readonly SemaphoreSlim Turn = new(1, 1);
        public int Users; // the one whose turn it is, plus those waiting; guarded by _gates
    }

    /// <summary>The turn of <paramref name="key"/>, to dispose when done; null when too many already wait.</summary>
    public async Task<IDisposable?> EnterAsync(long key, CancellationToken ct)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out gate!)) _gates[key] = gate = new Gate();
            if (gate.Users > maxWaiting) return null;
            gate.Users++;
        }
        try
        {
            await gate.Turn.WaitAsync(ct);
        }
        catch
        {
            Leave(key, gate, release: false);
            throw;
        }
        return new Held(() => Leave(key, gate, release: true));
    }

    /// <summary>How many are in or waiting for a turn (for tests: idle gates are removed).</summary>
    public int Count { get { lock (_gates) return _gates.Count; } }

    private void Leave(long key, Gate gate, bool release)
    {
        lock (_gates)
        {
            if (release) gate.Turn.Release();
            if (--gate.Users == 0) _gates.Remove(key);
        }
    }

    private sealed class Held(Action leave) : IDisposable
    {
        private int _left;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) leave();
        }
    }
}
