using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Auth;

/// <summary>
/// Deletes expired sessions. Expired rows are already useless (lookups filter on expires_at); this only keeps the
/// table small.
/// </summary>
internal sealed class ExpiredSessions(NpgsqlDataSource db, DbSchema schema, TimeProvider time) : IHousekeeping
{
    public string Name => "expired sessions";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"delete from {schema.Table("auth_sessions")} where expires_at <= $1");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
