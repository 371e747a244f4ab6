using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Empties projections and replays the log into them in one transaction, with ONE read of the log: each page goes to
/// every projection in turn (a rebuild of all inline projections used to read and deserialise the whole log once per
/// projection, most of the time for a projection that needs a handful of its events). All must share a lifecycle.
/// Inline: takes a SHARE lock on mt_streams first, which waits for every append in flight and holds new ones back
/// (every statement that inserts events also writes mt_streams, or comes after one that did), so the replay sees a
/// log no one is adding to. Appends wait while it runs.
/// Async: waits until everything drawn so far is final (see <see cref="HighWaterMark"/>), locks the projections'
/// progression rows, which the daemon's batches also update, replays up to that mark and leaves the rest to the daemon.
/// Pages are read on a second connection ahead of the projections (<see cref="EventPages"/>).
/// </summary>
internal static class ProjectionRebuilder
{
    private const int PageSize = 10_000;

    public static async Task RebuildAsync(DocumentStore store, IReadOnlyList<RegisteredProjection> registered, CancellationToken ct)
    {
        if (registered.Count == 0) return;
        if (registered.Select(r => r.Lifecycle).Distinct().Count() > 1)
            throw new ArgumentException("Rebuild inline and async projections in separate calls.", nameof(registered));
        var projections = registered.Select(r => r.Projection).ToList();
        var inline = registered[0].Lifecycle == ProjectionLifecycle.Inline;
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);

        long upTo = long.MaxValue;
        if (!inline)
        {
            // Everything up to the last number drawn now is final once the transactions running now have ended.
            // Wait for that before the transaction starts: a daemon batch we would wait for may wait on our lock.
            var (lastDrawn, nextXid, _) = await HighWaterMark.LookAsync(conn, ct);
            await HighWaterMark.WaitForAsync(conn, nextXid, ct);
            upTo = lastDrawn;
        }

        await using var tx = await conn.BeginTransactionAsync(ct);
        if (inline) await Execute(conn, "lock table mt_streams in share mode", ct);
        foreach (var projection in projections)
        {
            if (!inline)
            {
                await Execute(conn, "insert into mt_event_progression (name) values ($1) on conflict do nothing", ct, projection.Name);
                await Execute(conn, "select last_seq_id from mt_event_progression where name = $1 for update", ct, projection.Name);
            }
            await projection.ResetAsync(conn, tx, ct);
        }

        await foreach (var page in EventPages.ReadAsync(store.DataSource, store.Options.Events, 0, upTo, PageSize, ct))
            foreach (var projection in projections)
                await projection.ApplyAsync(conn, tx, page, ct);
        // The daemon goes on from the mark; anything after it is its work.
        if (!inline)
            foreach (var projection in projections)
                await Execute(conn, "update mt_event_progression set last_seq_id = $2, last_updated = now() where name = $1", ct,
                    projection.Name, upTo);
        await tx.CommitAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var arg in args) cmd.Parameters.Add(new() { Value = arg });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
