using System.Collections.Concurrent;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Issuing;

/// <summary>
/// Issuing cheques, in the caller's time (the API: <see cref="RunNowAsync"/>) or in the background (the manage page:
/// <see cref="TryStartAsync"/>, because 100,000 households take longer than a browser waits). Both go through
/// <see cref="ChequeIssuing"/> in batches under the program's <see cref="IssuingLock"/>. How far a run is, is read from
/// the database (<c>IssuingQueries</c>), never from here, so it survives a restart; this only remembers why this
/// process's last run of a program failed, to say so on the page.
/// </summary>
public sealed class IssuingRuns(StoreHolder holder, TimeProvider time, IConfiguration config, ILogger<IssuingRuns> log)
    : IHostedService
{
    // Never disposed: it has no timer or wait handle, and the host may stop this service after the container has
    // disposed its singletons.
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _runs = new();
    private readonly ConcurrentDictionary<Guid, Exception> _failures = new();

    private int BatchSize => config.GetValue(WebConfig.IssueBatchSize, ChequeIssuing.DefaultBatchSize);

    /// <summary>Every household without a cheque gets one before this returns (after any run that is already busy).</summary>
    public Task<IssueResult> RunNowAsync(Guid programId, MessageContext context, CancellationToken ct) =>
        ChequeIssuing.IssueAsync(holder.Store, programId, context, time, ct, BatchSize);

    /// <summary>
    /// Starts a run in the background and returns at once: true when it started, false when one is busy already (in
    /// this process or another). A broken rule (a closed program) or an unknown program is thrown here, to the person
    /// who pressed.
    /// </summary>
    public async Task<bool> TryStartAsync(Guid programId, MessageContext context, CancellationToken ct)
    {
        var store = holder.Store;
        await ChequeIssuing.CheckAsync(store, programId, time, ct);
        var held = await IssuingLock.TryTakeAsync(store.DataSource, programId, ct);
        if (held is null) return false;
        _failures.TryRemove(programId, out _);
        _runs[programId] = Task.Run(() => RunAsync(held, context));
        return true;
    }

    /// <summary>Why this process's last run of the program stopped before it was done; null when it did not.</summary>
    public Exception? FailureOf(Guid programId) => _failures.GetValueOrDefault(programId);

    /// <summary>This process's latest run of the program, finished or not (for tests and shutdown).</summary>
    public Task LatestRunOf(Guid programId) => _runs.GetValueOrDefault(programId) ?? Task.CompletedTask;

    private async Task RunAsync(IssuingLock held, MessageContext context)
    {
        await using (held)
        {
            try
            {
                var result = await ChequeIssuing.IssueAsync(held, holder.Store, context, time, BatchSize, _stopping.Token);
                log.LogInformation("Issued {Issued} cheques ({TotalCents} cents) for program {ProgramId}", result.Issued, result.TotalCents,
                    held.ProgramId);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                log.LogInformation("Issuing for program {ProgramId} stopped with the app; the next run continues", held.ProgramId);
            }
            catch (Exception e)
            {
                _failures[held.ProgramId] = e;
                log.LogError(e, "Issuing for program {ProgramId} failed; the finished batches stay issued", held.ProgramId);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops runs between or inside a batch (an unfinished batch rolls back) and waits until their locks are free.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_runs.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host stopped waiting; the locks end with their connections when the process does.
        }
    }
}
