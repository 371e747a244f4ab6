using Waardecheque.Web.Composition;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Store;

/// <summary>
/// Starts Wolverine's hosted services (its runtime, heartbeats) as a start-up task, after the event store's task has
/// reached PostgreSQL, instead of with the host (why: <see cref="CritterStack"/>). Stops them with the host.
/// A start that fails here (the database went away in the moment between the two tasks) cannot be retried, because
/// Wolverine's runtime counts itself started: the app then stops, so that whatever runs it starts it afresh.
/// </summary>
internal sealed class WolverineStartup(IServiceProvider services, IReadOnlyList<ServiceDescriptor> hosted,
    IHostApplicationLifetime lifetime, ILogger<WolverineStartup> log) : IStartupTask, IHostedService
{
    private readonly List<IHostedService> _started = [];
    // Start and stop never overlap: the host may stop while the start-up tasks are still retrying.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _stopped;

    public string Name => "wolverine";

    /// <summary>Whether every hosted service of Wolverine has started (and the host is not stopping).</summary>
    public bool IsStarted => !Volatile.Read(ref _stopped) && Volatile.Read(ref _startedCount) == hosted.Count;
    private int _startedCount;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopped || _started.Count == hosted.Count) return;
            foreach (var descriptor in hosted.Skip(_started.Count))
            {
                var service = Resolve(descriptor);
                await service.StartAsync(cancellationToken);
                _started.Add(service);
                Volatile.Write(ref _startedCount, _started.Count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogCritical(e, "Wolverine could not start; the app stops so that it can be started afresh");
            lifetime.StopApplication();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Volatile.Write(ref _stopped, true);
            for (var i = _started.Count - 1; i >= 0; i--) await _started[i].StopAsync(cancellationToken);
            _started.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    private IHostedService Resolve(ServiceDescriptor d) =>
        (IHostedService)(d.ImplementationInstance
            ?? d.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, d.ImplementationType!));
}
