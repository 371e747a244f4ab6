using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// The unique indexes on mt_streams(id) and mt_events(stream_id, version) are the second guard behind the version
/// check; when they fire, the caller sees the same <see cref="ConcurrencyException"/> as for a version clash.
/// </summary>
internal static class ConcurrencyErrors
{
    public static bool IsStreamConflict(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName is "mt_streams" or "mt_events";

    /// <summary>
    /// Names the stream that clashed. Npgsql hides the error's detail (it may hold row data), so ask the database
    /// which of the new streams exist; the transaction has been rolled back by then.
    /// </summary>
    public static async Task<ConcurrencyException> FromAsync(NpgsqlDataSource dataSource, IReadOnlyList<PendingStream> streams)
    {
        var fresh = streams.Where(s => s.IsNew).Select(s => s.Id).ToArray();
        Guid? existing = null;
        if (fresh.Length > 0)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("select id from mt_streams where id = any($1) limit 1");
                cmd.Parameters.Add(new() { Value = fresh });
                existing = await cmd.ExecuteScalarAsync() as Guid?;
            }
            catch (NpgsqlException)
            {
                // Only the message gets less precise.
            }
        }
        var stream = streams.FirstOrDefault(s => s.Id == existing) ?? streams.FirstOrDefault();
        return new ConcurrencyException(stream?.Id ?? Guid.Empty, stream?.ExpectedVersion ?? 0, null);
    }
}
