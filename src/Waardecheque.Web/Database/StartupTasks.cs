using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Waardecheque.Web.Database;

/// <summary>
/// Work that must be done before the app can serve its API, such as creating tables. Every task must be idempotent
/// and safe when several app processes start at once (take an advisory lock): it may run again after a failure.
/// Register with <see cref="StartupTaskServices.AddStartupTask{T}"/>; tasks run in registration order.
/// </summary>
public interface IStartupTask
{
    string Name { get; }
    Task RunAsync(CancellationToken cancellationToken);
}

public static class StartupTaskServices
{
    public static IServiceCollection AddStartupTask<T>(this IServiceCollection services) where T : class, IStartupTask =>
        services.AddSingleton<IStartupTask, T>();

    internal static IServiceCollection AddStartupTaskRunner(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(StartupTaskRunner))) return services;
        services.AddSingleton<StartupTaskRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupTaskRunner>());
        return services;
    }
}

/// <summary>
/// Runs the startup tasks when the host starts. If PostgreSQL is not reachable yet (containers start in any order)
/// the app still starts, reports not-ready, and keeps trying in the background; any other failure stops the start,
/// because retrying a broken migration forever would only hide it.
/// </summary>
internal sealed class StartupTaskRunner(IEnumerable<IStartupTask> tasks, ILogger<StartupTaskRunner> log) : IHostedService, IHealthCheck
{
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _done;
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAllAsync(cancellationToken);
        }
        catch (Exception e) when (DatabaseServices.IsTransient(e))
        {
            log.LogWarning(e, "Database not reachable at start; the app reports not ready and keeps trying");
            _retrying = Task.Run(() => RetryAsync(_stopping.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try { await _retrying.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("de database is nog niet ingericht"));

    private async Task RunAllAsync(CancellationToken cancellationToken)
    {
        foreach (var task in tasks)
        {
            await task.RunAsync(cancellationToken);
            log.LogDebug("Startup task {Task} done", task.Name);
        }
        _done = true;
    }

    private async Task RetryAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, stopping);
                await RunAllAsync(stopping);
                log.LogInformation("Database reachable again; startup tasks done");
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Startup tasks failed again; retrying in {Delay}", delay);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }
}
