using Npgsql;

namespace Waardecheque.Web.Database;

/// <summary>
/// A clean-up that keeps a table small by deleting rows that can no longer matter (expired sessions, failed attempts
/// outside every window), or that blanks data no longer needed (personal data past its use). Must be harmless to run
/// twice or from several app processes at once.
/// </summary>
public interface IHousekeeping
{
    string Name { get; }

    /// <summary>Deletes (or blanks) what is no longer needed; returns how many rows it deleted or changed.</summary>
    Task<int> RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Runs every <see cref="IHousekeeping"/> once an hour. A database that is down only postpones the work to the next
/// hour: housekeeping never stops the app.
/// </summary>
internal sealed class HousekeepingService(IEnumerable<IHousekeeping> jobs, TimeProvider time, ILogger<HousekeepingService> log)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RunAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task RunAllAsync(CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            try
            {
                var changed = await job.RunAsync(cancellationToken);
                if (changed > 0) log.LogInformation("Housekeeping {Job}: {Count} rows deleted or blanked", job.Name, changed);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning(e, "Housekeeping {Job} failed; trying again in an hour", job.Name);
            }
        }
    }
}

public static class HousekeepingServices
{
    internal static IServiceCollection AddHousekeeping(this IServiceCollection services)
    {
        if (services.Any(d => d.ImplementationType == typeof(HousekeepingService))) return services;
        return services.AddHostedService<HousekeepingService>();
    }
}
