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
/// knows, not our rm_* tables, which is why this exists; it folds nothing and keeps no progress of its own.
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
        return read;
    }
}
