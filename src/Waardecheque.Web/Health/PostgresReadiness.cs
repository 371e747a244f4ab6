using Npgsql;

namespace Waardecheque.Web.Health;

/// <summary>Ready only when PostgreSQL answers a query through the app's own pool.</summary>
internal sealed class PostgresReadiness(NpgsqlDataSource dataSource) : IReadinessCheck
{
    public string Name => "postgres";

    public async Task<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return ReadinessResult.Ready;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return ReadinessResult.NotReady("PostgreSQL antwoordt niet");
        }
    }
}
