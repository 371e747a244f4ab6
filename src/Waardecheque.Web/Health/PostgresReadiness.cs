using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Waardecheque.Web.Health;

/// <summary>Ready only when PostgreSQL answers a query through the app's own pool.</summary>
internal sealed class PostgresReadiness(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL antwoordt niet");
        }
    }
}
