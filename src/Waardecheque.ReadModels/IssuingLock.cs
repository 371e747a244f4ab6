using Npgsql;

namespace Waardecheque.ReadModels;

/// <summary>
/// One issuing run per program at a time, across every app process: a session advisory lock, held on a connection of
/// its own for the whole run. When the process dies, so does the connection and with it the lock, so a crash never
/// leaves a program "busy". Duplicates do not depend on it (cheque ids follow from program and household, so a run
/// that slips past it collides on the stream instead of issuing twice); the lock keeps a second press from redoing
/// the first one's work, and lets every process see that a run is busy (<see cref="IsHeldAsync"/>, from pg_locks).
/// </summary>
public sealed class IssuingLock : IAsyncDisposable
{
    // pg_advisory_lock(int, int): the first int names "issuing" (other locks in this database use the one-bigint
    // form, a different key space), the second the program. Two programs that share the second int only wait for
    // each other; both kept non-negative so they read back the same from pg_locks' oid columns.
    private const int Kind = 0x5743_4953;   // "WCIS"

    private readonly NpgsqlConnection _conn;

    private IssuingLock(NpgsqlConnection conn, Guid programId) => (_conn, ProgramId) = (conn, programId);

    public Guid ProgramId { get; }

    /// <summary>The lock, or null at once when a run for this program is already busy (here or in another process).</summary>
    public static async Task<IssuingLock?> TryTakeAsync(NpgsqlDataSource db, Guid programId, CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            if (await ExecuteAsync(conn, "select pg_try_advisory_lock($1, $2)", programId, ct) is true)
                return new IssuingLock(conn, programId);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
        await conn.DisposeAsync();
        return null;
    }

    /// <summary>The lock, after waiting for a run that is busy to finish.</summary>
    public static async Task<IssuingLock> TakeAsync(NpgsqlDataSource db, Guid programId, CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await ExecuteAsync(conn, "select pg_advisory_lock($1, $2)", programId, ct);
            return new IssuingLock(conn, programId);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether any process holds this program's lock right now, that is: whether a run is busy.</summary>
    public static async Task<bool> IsHeldAsync(NpgsqlDataSource db, Guid programId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await ExecuteAsync(conn, """
            select exists (select 1 from pg_locks where locktype = 'advisory' and granted and objsubid = 2
                and classid = $1::bigint::oid and objid = $2::bigint::oid
                and database = (select oid from pg_database where datname = current_database()))
            """, programId, ct) is true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(_conn, "select pg_advisory_unlock($1, $2)", ProgramId, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken, and the lock went with it. Never let a pooled connection that might still
            // hold it serve anyone else.
            NpgsqlConnection.ClearPool(_conn);
        }
        await _conn.DisposeAsync();
    }

    private static async Task<object?> ExecuteAsync(NpgsqlConnection conn, string sql, Guid programId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Kind });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ProgramKey(programId) });
        return await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>The same in every process (Guid.GetHashCode may not be): the guid's bytes folded, made non-negative.</summary>
    private static int ProgramKey(Guid programId)
    {
        Span<byte> bytes = stackalloc byte[16];
        programId.TryWriteBytes(bytes);
        var key = 0;
        for (var i = 0; i < 16; i += 4) key ^= BitConverter.ToInt32(bytes[i..(i + 4)]);
        return key & int.MaxValue;
    }
}
