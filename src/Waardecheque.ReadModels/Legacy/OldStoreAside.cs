using Npgsql;

namespace Waardecheque.ReadModels.Legacy;

/// <summary>
/// Step one of the import of a database written by Waardecheque's own pre-Marten event store (docs/decisions.md,
/// "The old store's log is imported once"): before Marten creates its tables, the old store's tables are renamed
/// aside (<c>legacy_*</c>, same schema, so no privileges or search_path change), and the old read tables are dropped:
/// they are derived data, and rm_cheques may still hold the unkeyed <c>code_hash</c>. Marten then creates its own
/// <c>mt_*</c> tables and <see cref="OldStoreImport"/> copies the log into them.
/// <para>
/// Under a transaction-scoped advisory lock and in one transaction, so several processes starting together rename
/// once: the second finds nothing to do. Runs at every start and costs one catalog query when there is no old store.
/// </para>
/// </summary>
internal static class OldStoreAside
{
    /// <summary>The old store's own tables and sequence, and their names once moved aside.</summary>
    public static readonly IReadOnlyList<(string Kind, string Name)> Objects =
    [
        ("table", "mt_streams"), ("table", "mt_events"), ("sequence", "mt_events_sequence"),
        ("table", "mt_event_progression"), ("table", "mt_schema_version"),
    ];

    public static string Legacy(string name) => "legacy_" + name;

    /// <summary>The read tables the old store's projections kept (as of 71e7b9a): all rebuilt from the log after the import.</summary>
    private const string OldReadTables = "rm_programs, rm_households, rm_cheques, rm_ideas, rm_pledges, rm_expenses";

    /// <summary>
    /// The old store is recognised by its own columns (Marten's mt_events has no <c>hash</c>, its mt_streams no
    /// <c>head_hash</c>) or by its row in mt_schema_version, a table Marten never creates.
    /// </summary>
    private const string DetectSql = """
        select exists (select 1 from information_schema.columns
                       where table_schema = current_schema()
                         and ((table_name = 'mt_events' and column_name = 'hash')
                           or (table_name = 'mt_streams' and column_name = 'head_hash')))
            or (to_regclass('mt_schema_version') is not null
                and exists (select 1 from information_schema.columns
                            where table_schema = current_schema() and table_name = 'mt_schema_version' and column_name = 'component'))
        """;

    /// <summary>Moves the old store aside if this schema holds one; true when it did.</summary>
    public static async Task<bool> MoveAsync(NpgsqlDataSource db, string schema, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await OldStoreImport.LockAsync(conn, tx, schema, ct);
        await using (var detect = new NpgsqlCommand(DetectSql, conn, tx))
            if (await detect.ExecuteScalarAsync(ct) is not true) return false;

        await using (var half = new NpgsqlCommand("select to_regclass('legacy_mt_events') is not null", conn, tx))
            if (await half.ExecuteScalarAsync(ct) is true)
                throw new InvalidOperationException(
                    $"Schema '{schema}' holds both the old store's tables and legacy_mt_events from an earlier import: " +
                    "restore the backup taken before the upgrade (docs/operations.md).");

        foreach (var (kind, name) in Objects)
        {
            // Names come from the list above, never from input; each object may be missing in an old database.
            await using var rename = new NpgsqlCommand($"alter {kind} if exists {name} rename to {Legacy(name)}", conn, tx);
            await rename.ExecuteNonQueryAsync(ct);
        }
        await using (var drop = new NpgsqlCommand($"drop table if exists {OldReadTables}", conn, tx))
            await drop.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
