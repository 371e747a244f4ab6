using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Keeps the async projections up to date (Marten's async daemon). One worker per projection, each on its own
/// unpooled connection that holds a session advisory lock, so across all app processes exactly one worker runs a
/// given projection; the others wait for the lock. A worker reads settled events (<see cref="HighWaterMark"/>) in
/// batches and writes the read model and its progression row in one transaction. It wakes on NOTIFY from committing
/// sessions and also polls, because an unrelated transaction finishing (which sends nothing) can release events.
/// </summary>
public sealed class ProjectionDaemon : IAsyncDisposable
{
    private readonly DocumentStore _store;
    private readonly ILogger _logger;
    // Projections whose lock one of this daemon's own workers holds: CatchUpAsync waits for those instead of locking.
    private readonly ConcurrentDictionary<string, bool> _leading = new();
    private CancellationTokenSource? _stopping;
    private Task? _running;

    internal ProjectionDaemon(DocumentStore store, ILogger? logger)
    {
        _store = store;
        _logger = logger ?? NullLogger.Instance;
    }

    public int BatchSize { get; set; } = 500;
    /// <summary>How long an idle worker waits for a notification before it looks anyway.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How soon a worker looks again when events are held back by a transaction still running.</summary>
    public TimeSpan HeldPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);
    /// <summary>How often a worker that lost the lock to another process tries again.</summary>
    public TimeSpan LockRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Starts the workers in the background (IHostedService.StartAsync).</summary>
    public Task StartAsync(CancellationToken ct = default)
    {
        if (_running is not null) throw new InvalidOperationException("The daemon is already running.");
        _stopping = new CancellationTokenSource();
        _running = RunAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops the workers and waits for them (IHostedService.StopAsync).</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_stopping is null || _running is null) return;
        await _stopping.CancelAsync();
        await _running.WaitAsync(ct);
        _stopping.Dispose();
        (_stopping, _running) = (null, null);
    }

    /// <summary>Runs every async projection's worker until <paramref name="ct"/> is cancelled (BackgroundService).</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(_store.Options.Projections.Async.Select(p => Task.Run(() => RunWorkerAsync(p, ct), CancellationToken.None)));

    /// <summary>
    /// Returns once every async projection has processed every event committed before the call. Processes them
    /// itself when no worker anywhere holds the projection, otherwise waits for the worker that does.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken ct = default)
    {
        long target;
        await using (var cmd = _store.DataSource.CreateCommand("select coalesce(max(seq_id), 0) from mt_events"))
            target = (long)(await cmd.ExecuteScalarAsync(ct))!;
        foreach (var projection in _store.Options.Projections.Async) await CatchUpAsync(projection, target, ct);
    }

    /// <summary>Empties the projection and replays the log into it (see <see cref="DocumentStore.RebuildProjectionAsync"/>).</summary>
    public Task RebuildAsync(string projectionName, CancellationToken ct = default) =>
        _store.RebuildProjectionAsync(projectionName, ct);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task RunWorkerAsync(IProjection projection, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await _store.Dedicated.OpenConnectionAsync(ct);
                if (!await TryLockAsync(conn, projection, ct))
                {
                    await Task.Delay(LockRetryInterval, ct);
                    continue;
                }
                _leading[projection.Name] = true;
                try
                {
                    await LeadAsync(conn, projection, () => failures = 0, ct);
                }
                finally
                {
                    _leading.TryRemove(projection.Name, out _);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A broken connection also lands here; closing it released the lock, so another process may take over.
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 8))));
                _logger.LogError(e, "Projection {Projection} failed; retrying in {Delay}", projection.Name, delay);
                try { await Task.Delay(delay, ct); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task LeadAsync(NpgsqlConnection conn, IProjection projection, Action succeeded, CancellationToken ct)
    {
        var notified = false;
        conn.Notification += (_, _) => notified = true;
        await using (var listen = new NpgsqlCommand($"listen \"{SchemaSql.Channel(_store.Options.DatabaseSchemaName)}\"", conn))
            await listen.ExecuteNonQueryAsync(ct);
        var last = await LoadProgressAsync(conn, projection.Name, ct);
        var mark = new HighWaterMark();
        _logger.LogInformation("Projection {Projection} running from seq {Seq}", projection.Name, last);
        while (!ct.IsCancellationRequested)
        {
            // A notification that arrives while a batch runs is caught here, so the wait below is skipped.
            notified = false;
            var (outcome, next) = await RunBatchAsync(conn, projection, last, mark, ct);
            last = next;
            succeeded();
            if (notified || outcome == Outcome.More) continue;
            await conn.WaitAsync(outcome == Outcome.Held ? HeldPollInterval : PollInterval, ct);
        }
    }

    private async Task CatchUpAsync(IProjection projection, long target, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await using (var conn = await _store.DataSource.OpenConnectionAsync(ct))
                if (await LoadProgressAsync(conn, projection.Name, ct) >= target) return;

            if (!_leading.ContainsKey(projection.Name))
            {
                await using var conn = await _store.Dedicated.OpenConnectionAsync(ct);
                if (await TryLockAsync(conn, projection, ct))
                {
                    var last = await LoadProgressAsync(conn, projection.Name, ct);
                    var mark = new HighWaterMark();
                    while (last < target)
                    {
                        var (_, next) = await RunBatchAsync(conn, projection, last, mark, ct);
                        if (next == last) await Task.Delay(HeldPollInterval / 2, ct);
                        last = next;
                    }
                    return;  // closing the unpooled connection releases the lock
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(25), ct);
        }
    }

    private enum Outcome { More, Held, Idle }

    /// <summary>
    /// One batch in one transaction: events up to the high-water mark, the read model and the progression row together.
    /// When the batch reaches the mark, progression moves to the mark itself (past any gaps left by rolled-back writers).
    /// </summary>
    private async Task<(Outcome, long Last)> RunBatchAsync(NpgsqlConnection conn, IProjection projection, long last,
        HighWaterMark mark, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // First, while this transaction has no id of its own (see HighWaterMark).
        var upTo = await mark.AdvanceAsync(conn, ct);
        if (upTo <= last) return (mark.Holding ? Outcome.Held : Outcome.Idle, last);

        var events = await HighWaterMark.ReadAsync(conn, _store.Options.Events, last, upTo, BatchSize, ct);
        var full = events.Count == BatchSize;
        var next = full ? events[^1].Sequence : upTo;
        await using (var advance = new NpgsqlCommand(
            "update mt_event_progression set last_seq_id = $3, last_updated = now() where name = $1 and last_seq_id = $2", conn))
        {
            advance.Parameters.Add(new() { Value = projection.Name });
            advance.Parameters.Add(new() { Value = last });
            advance.Parameters.Add(new() { Value = next });
            // Someone else moved the row (a rebuild): start again from where it says.
            if (await advance.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                return (Outcome.More, await LoadProgressAsync(conn, projection.Name, ct));
            }
        }
        if (events.Count > 0) await projection.ApplyAsync(conn, tx, events, ct);
        await tx.CommitAsync(ct);
        return (full ? Outcome.More : mark.Holding ? Outcome.Held : Outcome.Idle, next);
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection conn, IProjection projection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock($1)", conn);
        cmd.Parameters.Add(new()
        {
            Value = SchemaMigrator.StableKey($"waardecheque.daemon:{_store.Options.DatabaseSchemaName}:{projection.Name}"),
        });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> LoadProgressAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with created as (insert into mt_event_progression (name) values ($1) on conflict do nothing returning last_seq_id)
            select coalesce((select last_seq_id from created), (select last_seq_id from mt_event_progression where name = $1))
            """, conn);
        cmd.Parameters.Add(new() { Value = name });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
