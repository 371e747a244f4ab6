using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Failed code and sign-in attempts (and, under <see cref="StaffSignInLimiter.SignedIn"/>, the addresses staff signed
/// in from), kept in PostgreSQL so that every app process behind a load balancer counts the
/// same failures: with counters in each process's memory, N processes would give a guesser N times the limit.
/// </summary>
public sealed class FailedAttempts(NpgsqlDataSource db, DbSchema schema)
{
    private string Table => schema.Table("failed_attempts");

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => db.OpenConnectionAsync(ct);

    /// <summary>Waits for the advisory lock of each count, in ascending order, until the transaction ends.</summary>
    public async Task LockAsync(NpgsqlConnection connection, IEnumerable<AttemptCount> counts, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var count in counts.OrderBy(c => c.LockId))
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock($1)") { Parameters = { new() { Value = count.LockId } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// For each count, its newest failures within its window before <paramref name="now"/>, newest first (at most
    /// its limit: no more can matter to <see cref="SlidingWindow"/>). On <paramref name="connection"/> when given
    /// (inside the locked transaction), else on a pooled connection of its own (the cheap check before any lock).
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<DateTimeOffset>>> RecentAsync(IReadOnlyList<AttemptCount> counts, DateTimeOffset now,
        NpgsqlConnection? connection, CancellationToken ct)
    {
        await using var own = connection is null ? await db.OpenConnectionAsync(ct) : null;
        await using var batch = new NpgsqlBatch(connection ?? own);
        foreach (var count in counts)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"select at from {Table} where limiter = $1 and client = $2 and at > $3 order by at desc limit $4")
            {
                Parameters = { new() { Value = count.Limiter }, new() { Value = count.Key }, new() { Value = now - count.Window }, new() { Value = count.Limit } },
            });
        var all = new List<IReadOnlyList<DateTimeOffset>>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            var found = new List<DateTimeOffset>();
            while (await reader.ReadAsync(ct)) found.Add(reader.GetFieldValue<DateTimeOffset>(0));
            all.Add(found);
        } while (await reader.NextResultAsync(ct));
        return all;
    }

    /// <summary>Records one failure in each count, in the locked transaction (committed by the caller).</summary>
    public async Task AddAsync(NpgsqlConnection connection, IReadOnlyList<AttemptCount> counts, DateTimeOffset at, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var count in counts)
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"insert into {Table} (limiter, client, at) values ($1, $2, $3)")
            {
                Parameters = { new() { Value = count.Limiter }, new() { Value = count.Key }, new() { Value = at } },
            });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Writes one row outside any lock (a successful staff sign-in: <see cref="StaffSignInLimiter.SignedIn"/>).</summary>
    public async Task AddAsync(string limiter, string client, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"insert into {Table} (limiter, client, at) values ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = limiter });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> SeenSinceAsync(string limiter, string client, DateTimeOffset since, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select exists (select 1 from {Table} where limiter = $1 and client = $2 and at > $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = limiter });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Deletes failures older than <paramref name="failuresBefore"/> (they can no longer count in any window)
    /// and successful staff sign-ins older than <paramref name="signInsBefore"/>.</summary>
    public async Task<int> RemoveOlderThanAsync(DateTimeOffset failuresBefore, DateTimeOffset signInsBefore, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"delete from {Table} where at < $2 or (limiter <> $3 and at < $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = failuresBefore });
        command.Parameters.Add(new NpgsqlParameter { Value = signInsBefore });
        command.Parameters.Add(new NpgsqlParameter { Value = StaffSignInLimiter.SignedIn });
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
