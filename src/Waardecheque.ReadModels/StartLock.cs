using Npgsql;

namespace Waardecheque.ReadModels;

/// <summary>
/// Serialises the schema work of app processes starting on the same schema at once: moving an old store aside, Marten's
/// schema, ours, and the import of an old log (<see cref="WaardechequeStore.CreateAsync"/>). Marten's own schema lock
/// does not cover its check for what is missing, so two processes starting on an empty schema together could both try
/// to create the same index (seen: "relation pk_mt_events_stream_and_version already exists").
/// A session advisory lock on an UNPOOLED connection: our pools keep sessions (no reset on close), so a session lock on
/// a pooled connection could outlive this start; closing this connection ends the session and the lock with it.
/// </summary>
internal sealed class StartLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;

    private StartLock(NpgsqlConnection conn) => _conn = conn;

    public static async Task<StartLock> TakeAsync(string connectionString, string schema, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await conn.OpenAsync(ct);
            await using var take = new NpgsqlCommand("select pg_advisory_lock(hashtext('waardecheque.start:' || $1))", conn);
            take.Parameters.Add(new NpgsqlParameter { Value = schema });
            await take.ExecuteNonQueryAsync(ct);
            return new StartLock(conn);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _conn.DisposeAsync();
}
