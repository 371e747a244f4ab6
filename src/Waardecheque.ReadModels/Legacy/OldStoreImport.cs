using Npgsql;
using Waardecheque.Domain;

namespace Waardecheque.ReadModels.Legacy;

/// <summary>What one import moved (null on <see cref="WaardechequeStore.LegacyImport"/> when there was nothing to import).</summary>
public sealed record LegacyImportResult(long Events, long Streams, long CodeHashesRemoved);

/// <summary>
/// Step two of the import of an old-store database (after <see cref="OldStoreAside"/> and after Marten and our own
/// schema exist): copies the old log from <c>legacy_mt_*</c> into Marten's tables, rebuilds the read models from it
/// and drops the legacy tables, all in ONE transaction, so a database is either still waiting for the import (and the
/// next start does it) or fully moved, and no copy of an old body survives the commit.
/// <para>
/// Raw SQL into Marten's tables rather than Marten's bulk append (<c>BulkInsertEventsAsync</c>): the bulk append takes
/// no caller transaction, draws new sequence numbers and stamps new timestamps, while an import must keep every event's
/// seq_id, id, stream, version, timestamp and metadata, and must commit together with the rebuild and the drop. The
/// columns written are those of Marten 9.62's mt_events / mt_streams (tenant '*DEFAULT*', the .NET type name Marten
/// itself maps each alias to); the sequence is moved past the highest number handed out.
/// </para>
/// <para>
/// <c>codeHash</c> (the unsalted SHA-256 of a cheque's code that cheque_issued bodies carried before the keyed lookup)
/// is removed from every body on the way. The old hashes are not copied: an old hash over a body with the code's hash
/// would itself let anyone test guesses. The hash-chain trigger on mt_events computes the new chain as the rows go in,
/// in seq order; checkpoints published before the import no longer match (docs/decisions.md).
/// </para>
/// </summary>
internal static class OldStoreImport
{
    /// <summary>Events per insert statement: the chain trigger keeps each statement's hashes in memory.</summary>
    public const int EventsPerStatement = 10_000;

    /// <summary>
    /// One transaction lock for both steps, per schema. <see cref="WaardechequeStore.CreateAsync"/> already holds the
    /// start lock around them; this one keeps each step safe on its own should it ever be called elsewhere.
    /// </summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, CancellationToken ct)
    {
        await using var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('waardecheque.legacy-import:' || $1))", conn, tx);
        take.Parameters.Add(new NpgsqlParameter { Value = schema });
        await take.ExecuteNonQueryAsync(ct);
    }

    public static async Task<LegacyImportResult?> RunAsync(WaardechequeStore store, CancellationToken ct)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockAsync(conn, tx, store.Schema, ct);
        if (await ScalarAsync<bool>(conn, tx, "select to_regclass('legacy_mt_events') is not null", ct) is false) return null;

        // Nobody appends meanwhile: no process of this version serves before its start passed the start lock; the table
        // lock keeps anything else (a person with psql) out until the commit.
        await ExecuteAsync(conn, tx, "lock table mt_streams, mt_events in exclusive mode", ct);
        if (await ScalarAsync<bool>(conn, tx, "select exists (select 1 from mt_events) or exists (select 1 from mt_streams)", ct))
            throw new InvalidOperationException(
                $"Schema '{store.Schema}' holds both an old-store log waiting to be imported (legacy_mt_events) and events in " +
                "Marten's mt_events; they cannot be merged. Restore the backup taken before the upgrade (docs/operations.md).");

        // mt_dotnet_type as Marten writes it for each alias (Marten reads by alias; this keeps the rows like its own).
        var graph = (Marten.Events.EventGraph)store.Marten.Options.Events;
        var mapping = DomainEvents.All.Select(e => (e.Alias, DotNet: graph.EventMappingFor(e.Type).DotNetTypeName)).ToArray();
        var aliases = mapping.Select(m => m.Alias).ToArray();
        var unknown = await ListAsync(conn, tx, "select distinct type from legacy_mt_events where type <> all($1) order by 1", ct, [aliases]);
        if (unknown.Count > 0)
            throw new InvalidOperationException($"The old log holds event types this version does not know: {string.Join(", ", unknown)}.");

        var codeHashes = await ScalarAsync<long>(conn, tx, "select count(*) from legacy_mt_events where data ? 'codeHash'", ct);
        var streams = await ExecuteAsync(conn, tx, """
            insert into mt_streams (id, type, version, timestamp, created, tenant_id, is_archived)
            select id, type, version, timestamp, created, '*DEFAULT*', is_archived from legacy_mt_streams
            """, ct);

        // In seq order, in statements of EventsPerStatement: a stream's events arrive in version order, so each
        // statement's trigger chains onto the heads the statements before it wrote.
        long events = 0, after = 0;
        while (true)
        {
            await using var insert = Command(conn, tx, """
                with moved as (
                    insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type,
                                           correlation_id, causation_id, headers, user_name, is_archived)
                    select e.seq_id, e.id, e.stream_id, e.version, e.data - 'codeHash', e.type, e.timestamp, '*DEFAULT*', m.dotnet,
                           e.correlation_id, e.causation_id, e.headers, e.user_name, false
                    from legacy_mt_events e join unnest($2::text[], $3::text[]) as m(alias, dotnet) on m.alias = e.type
                    where e.seq_id > $1 order by e.seq_id limit $4
                    returning seq_id)
                select count(*), coalesce(max(seq_id), 0) from moved
                """, [after, aliases, mapping.Select(m => m.DotNet).ToArray(), EventsPerStatement]);
            await using var r = await insert.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var (count, last) = (r.GetInt64(0), r.GetInt64(1));
            await r.CloseAsync();
            if (count == 0) break;
            events += count;
            after = last;
        }
        var expected = await ScalarAsync<long>(conn, tx, "select count(*) from legacy_mt_events", ct);
        if (events != expected) throw new InvalidOperationException($"Copied {events} of the old log's {expected} events; nothing was imported.");
        // Past every number the old store handed out (a rolled-back append leaves a gap above the last event).
        var handedOut = await ScalarAsync<bool>(conn, tx, "select to_regclass('legacy_mt_events_sequence') is not null", ct)
            ? await ScalarAsync<long>(conn, tx, "select case when is_called then last_value else 0 end from legacy_mt_events_sequence", ct)
            : 0;
        if (Math.Max(after, handedOut) > 0)
            await ExecuteAsync(conn, tx, "select setval('mt_events_sequence', $1)", ct, Math.Max(after, handedOut));

        await ReadModelRebuild.RebuildInAsync(store, conn, tx, store.ReadModels, ct);
        if (codeHashes > 0)
            // Before the keyed lookup, a collect's idempotency fingerprint was computed over the code: a blank one
            // matches no request, so a retry of a request from before the upgrade answers 409 and is never run twice.
            await ExecuteAsync(conn, tx, """
                do $$ begin
                    if to_regclass('api_idempotency') is not null then update api_idempotency set fingerprint = ''::bytea; end if;
                end $$
                """, ct);
        foreach (var (kind, name) in OldStoreAside.Objects)
            await ExecuteAsync(conn, tx, $"drop {kind} if exists {OldStoreAside.Legacy(name)}", ct);
        await tx.CommitAsync(ct);
        return new LegacyImportResult(events, streams, codeHashes);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return cmd;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is DBNull or null ? default! : (T)value;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<string>();
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }
}
