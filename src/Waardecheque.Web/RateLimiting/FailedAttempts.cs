using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Failed code and sign-in attempts, kept in PostgreSQL so that every app process behind a load balancer counts the
/// same failures: with counters in each process's memory, N processes would give a guesser N times the limit.
/// </summary>
internal sealed class FailedAttempts(NpgsqlDataSource db, DbSchema schema)
{
    private string Table => schema.Table("failed_attempts");

    /// <summary>Writes one attempt and commits it at once (no transaction around it): see <see cref="DatabaseAttemptLimiter"/>.</summary>
    public async Task<long> AddAsync(string limiter, string client, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"insert into {Table} (limiter, client, at) values ($1, $2, $3) returning id");
        command.Parameters.Add(new NpgsqlParameter { Value = limiter });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The newest <paramref name="max"/> attempts of a client since a moment, newest first, except one.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> RecentAsync(string limiter, string client, DateTimeOffset since, long except,
        int max, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select at from {Table} where limiter = $1 and client = $2 and at > $3 and id <> $4 order by at desc limit $5");
        command.Parameters.Add(new NpgsqlParameter { Value = limiter });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        command.Parameters.Add(new NpgsqlParameter { Value = except });
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        var found = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(reader.GetFieldValue<DateTimeOffset>(0));
        return found;
    }

    public async Task RemoveAsync(long id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"delete from {Table} where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes attempts older than <paramref name="before"/>: they can no longer count in any window.</summary>
    public async Task<int> RemoveOlderThanAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"delete from {Table} where at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = before });
        return await command.ExecuteNonQueryAsync(ct);
    }

    internal static string Sql(DbSchema s) => $"""
        select pg_advisory_xact_lock({AuthSchema.MigrationLock});
        create schema if not exists {s.Quoted};
        create table if not exists {s.Table("failed_attempts")} (
            id      bigint generated always as identity primary key,
            limiter text not null,
            client  text not null,
            at      timestamptz not null
        );
        create index if not exists failed_attempts_client on {s.Table("failed_attempts")} (limiter, client, at desc);
        create index if not exists failed_attempts_at on {s.Table("failed_attempts")} (at);
        """;
}

/// <summary>Creates the failed-attempts table at start-up (idempotent, under the auth schema's migration lock).</summary>
internal sealed class FailedAttemptsSchema(NpgsqlDataSource db, DbSchema schema) : IStartupTask
{
    public string Name => "failed attempts schema";

    public Task RunAsync(CancellationToken cancellationToken) => DbSchema.ApplyAsync(db, FailedAttempts.Sql(schema), cancellationToken);
}
