using JasperFx.Events;
using Marten;
using Marten.Services;

namespace Waardecheque.ReadModels;

/// <summary>
/// Rebuilds the inline read models from Marten's log in ONE transaction: readers never see a half-built table (the
/// TRUNCATEs lock the tables until the commit, so readers wait for it; docs/operations.md, "Operator commands"), and
/// <c>LOCK TABLE mt_streams IN SHARE MODE</c> waits for appends in flight and holds new ones back
/// until the rebuild commits, so no event is missed or applied twice. Events are read with Marten
/// (<c>QueryAllRawEvents</c>, in pages by sequence) and applied by the same projection code Marten runs inline, through
/// a Marten session enlisted in this transaction. Marten's own rebuild (the daemon's) empties only document tables it
/// knows, not our rm_* tables, which is why this exists; it folds nothing and keeps no progress of its own. The
/// rebuilt tables' non-unique secondary indexes are dropped for the load and built again before the commit
/// (<see cref="DropSecondaryIndexesAsync"/>).
/// </summary>
public static class ReadModelRebuild
{
    public const int PageSize = 10_000;

    /// <summary>Rebuilds the named read models (all when none are named); returns how many events were read.</summary>
    public static async Task<long> RebuildAsync(WaardechequeStore store, IEnumerable<string>? names = null, CancellationToken ct = default)
    {
        var wanted = names?.ToHashSet(StringComparer.Ordinal);
        var models = store.ReadModels.Where(m => wanted is null || wanted.Contains(m.Name)).ToList();
        if (wanted is not null && models.Count != wanted.Count)
            throw new ArgumentException($"Unknown read model among {string.Join(", ", wanted)}.", nameof(names));

        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var read = await RebuildInAsync(store, conn, tx, models, ct);
        await tx.CommitAsync(ct);
        return read;
    }

    /// <summary>
    /// The rebuild inside a transaction the caller commits: the import of an old-store log (Legacy/OldStoreImport)
    /// rebuilds in the transaction that copied the events.
    /// </summary>
    internal static async Task<long> RebuildInAsync(WaardechequeStore store, Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx,
        IReadOnlyList<ReadModel> models, CancellationToken ct)
    {
        await using (var hold = new Npgsql.NpgsqlCommand(
            "lock table mt_streams in share mode; " + string.Join("; ", models.Select(m => m.ResetSql)), conn, tx))
            await hold.ExecuteNonQueryAsync(ct);
        var secondary = await DropSecondaryIndexesAsync(store, conn, tx, models.SelectMany(m => m.Tables).ToArray(), ct);

        long after = 0, read = 0;
        while (true)
        {
            await using var session = store.Marten.LightweightSession(SessionOptions.ForTransaction(tx));
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var model in models) await model.ApplyAsync(session, page, ct);
            await session.SaveChangesAsync(ct);
            after = page[^1].Sequence;
            read += page.Count;
        }
        if (secondary.Count > 0)
            await using (var create = new Npgsql.NpgsqlCommand(string.Join(";\n", secondary), conn, tx))
                await create.ExecuteNonQueryAsync(ct);
        return read;
    }

    /// <summary>
    /// Drops the non-unique secondary indexes of <paramref name="tables"/> and returns their definitions
    /// (<c>pg_get_indexdef</c>: name, table, method, columns or expressions, predicate, storage parameters), which
    /// <see cref="RebuildInAsync"/> runs after the load. Only for a rebuild, right after the TRUNCATE in the same
    /// transaction: filling an empty table and then building each index once in a sort is cheaper than maintaining
    /// every index row by row (docs/benchmarks.md "rebuild", fix 3). The readers wait for the commit anyway (the
    /// TRUNCATE holds the tables' ACCESS EXCLUSIVE lock), the projections' own statements look rows up only by primary
    /// key (or its leading column), and a failure rolls the drops back with the rest, so the old tables and indexes are left as they were.
    /// Primary keys and UNIQUE indexes stay: the projections' upserts (<c>on conflict</c>) need them during the load.
    /// The definitions are read from the catalogue rather than from <see cref="ReadModel.SchemaSql"/>, so exactly the
    /// indexes that were there come back; only what pg_get_indexdef leaves out (a non-default tablespace, a COMMENT, a
    /// per-column statistics target) would not, and none of ours has any.
    /// </summary>
    private static async Task<List<string>> DropSecondaryIndexesAsync(WaardechequeStore store, Npgsql.NpgsqlConnection conn,
        Npgsql.NpgsqlTransaction tx, string[] tables, CancellationToken ct)
    {
        var names = new List<string>();
        var definitions = new List<string>();
        await using (var find = new Npgsql.NpgsqlCommand("""
            select format('%I.%I', n.nspname, ic.relname), pg_get_indexdef(i.indexrelid)
            from pg_index i
            join pg_class t on t.oid = i.indrelid
            join pg_class ic on ic.oid = i.indexrelid
            join pg_namespace n on n.oid = t.relnamespace
            where n.nspname = $1 and t.relname = any($2)
              and not i.indisunique and not i.indisprimary and not i.indisexclusion
              and not exists (select from pg_constraint c where c.conindid = i.indexrelid)
            order by t.relname, ic.relname
            """, conn, tx))
        {
            find.Parameters.Add(new Npgsql.NpgsqlParameter { Value = store.Schema });
            find.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tables });
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                names.Add(reader.GetString(0));
                definitions.Add(reader.GetString(1));
            }
        }
        if (names.Count > 0)
            await using (var drop = new Npgsql.NpgsqlCommand("drop index " + string.Join(", ", names), conn, tx))
                await drop.ExecuteNonQueryAsync(ct);
        return definitions;
    }
}
