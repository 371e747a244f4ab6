using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Auth;

/// <summary>
/// Deletes expired sessions once an hour. Expired rows are already useless (lookups filter on expires_at); this
/// only keeps the table small. Every app process may run it; deleting twice is harmless.
/// </summary>
internal sealed class ExpiredSessionSweeper(NpgsqlDataSource db, DbSchema schema, TimeProvider time, ILogger<ExpiredSessionSweeper> log)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SweepAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = db.CreateCommand($"delete from {schema.Table("auth_sessions")} where expires_at <= $1");
            command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            if (deleted > 0) log.LogInformation("Deleted {Count} expired sessions", deleted);
            return deleted;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning(e, "Could not delete expired sessions; trying again in an hour");
            return 0;
        }
    }
}
