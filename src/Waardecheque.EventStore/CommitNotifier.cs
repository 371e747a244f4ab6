using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Tells the daemons (in every process) that events were committed. The NOTIFY is sent after the commit from a
/// separate statement, never inside the appending transaction: PostgreSQL holds one global lock from a notifying
/// transaction's pre-commit to its end, WAL flush included, so notifying inside every append serialises all commits
/// (measured here: 0.10 of pgbench instead of group commit). The statement sent here has no transaction id and flushes
/// nothing. Signals arriving while one is in flight, or in the 10 ms after it, are folded into the next, so under load this
/// is at most about 100 NOTIFYs a second, however many commits. Daemons also poll, so a lost signal only delays them.
/// </summary>
internal sealed class CommitNotifier : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(10);
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _latest;

    public CommitNotifier(NpgsqlDataSource dataSource, string channel)
    {
        _dataSource = dataSource;
        _channel = channel;
        _loop = Task.Run(LoopAsync);
    }

    public void Signal(long sequence)
    {
        long seen;
        while ((seen = Interlocked.Read(ref _latest)) < sequence && Interlocked.CompareExchange(ref _latest, sequence, seen) != seen) { }
        try { _pending.Release(); }
        catch (SemaphoreFullException) { /* one is already due; it will carry this too */ }
    }

    private async Task LoopAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _pending.WaitAsync(ct);
                await using var cmd = _dataSource.CreateCommand("select pg_notify($1, $2)");
                cmd.Parameters.Add(new() { Value = _channel });
                cmd.Parameters.Add(new() { Value = Interlocked.Read(ref _latest).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                await cmd.ExecuteNonQueryAsync(ct);
                // Commits in the next few milliseconds ride on the next NOTIFY rather than each costing a statement.
                await Task.Delay(Coalesce, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception)
            {
                // The database is away; the daemons' polling covers for the missed wake-up.
                try { await Task.Delay(500, ct); } catch (OperationCanceledException) { break; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _pending.Dispose();
    }
}
