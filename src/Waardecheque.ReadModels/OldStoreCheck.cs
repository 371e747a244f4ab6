using Npgsql;

namespace Waardecheque.ReadModels;

/// <summary>
/// A database written by the project's own event store (before Marten, docs/marten-move.md) has mt_streams and
/// mt_events of another shape (a <c>head_hash</c> column, no tenant columns). Marten would try to alter those tables
/// into its own shape; instead the app refuses to start and says what to do. Such a database is not migrated in place.
/// </summary>
internal static class OldStoreCheck
{
    public static async Task RefuseAsync(NpgsqlDataSource db, string schema, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select exists (select 1 from information_schema.columns
                           where table_schema = $1 and table_name = 'mt_streams' and column_name = 'head_hash')
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
        if (await cmd.ExecuteScalarAsync(ct) is true)
            throw new InvalidOperationException(
                $"Schema '{schema}' holds the event log of Waardecheque's own pre-Marten event store, which is not migrated in place. " +
                "Start on an empty schema or database (the demo: `bash infra/pg.sh stop --dir .data/pg` throws its data away); " +
                "see docs/marten-move.md.");
    }
}
