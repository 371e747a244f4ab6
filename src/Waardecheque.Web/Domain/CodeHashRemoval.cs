using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Domain;

/// <summary>
/// One-off migration (docs/decisions.md, "No plain hash of a code"): databases from before it stored each code's
/// unsalted SHA-256, which a GPU searches through 60 bits of code. At start-up, and only while there is something to
/// do, this
/// <list type="number">
/// <item>fills rm_cheques.code_lookup with each cheque's keyed lookup value and drops code_hash, in one transaction
/// (so the table is never half-moved), and blanks the idempotency fingerprints stored before, which for a collect
/// were computed over the code's hash (a retry of a request from before the upgrade answers 409, never twice);</item>
/// <item>removes <c>codeHash</c> from every stored <c>cheque_issued</c> body, in batches of streams, and recomputes
/// those streams' hash chains in the same transaction: an old event hash over a body with the code's hash could be
/// searched as well, so none is kept.</item>
/// </list>
/// Each step checks what is left under a transaction-scoped advisory lock, so it is idempotent, safe with several
/// processes starting at once, and continues where a stopped run left off. Runs before anything serves requests.
/// </summary>
internal sealed class CodeHashRemoval(StoreHolder holder, CodeKey key, DbSchema schema, ILogger<CodeHashRemoval> log) : IStartupTask
{
    public const int StreamsPerBatch = 1_000;
    private const int RowsPerUpdate = 10_000;

    public string Name => "code-hash-removal";

    /// <summary>The same 64-bit advisory lock key in every process (string.GetHashCode is not stable).</summary>
    private long LockKey => BinaryPrimitives.ReadInt64BigEndian(
        SHA256.HashData(Encoding.UTF8.GetBytes("waardecheque.code-hash-removal:" + schema.Name)));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var db = holder.Store.DataSource;
        var cheques = await MoveChequeTableAsync(db, cancellationToken);
        var (events, streams) = await RedactEventsAsync(db, cancellationToken);
        if (cheques > 0 || events > 0)
            log.LogInformation("Removed code hashes: {Cheques} cheques given a keyed lookup, {Events} events redacted, " +
                               "{Streams} hash chains recomputed", cheques, events, streams);
    }

    private async Task<int> MoveChequeTableAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecuteAsync(conn, tx, "select pg_advisory_xact_lock($1)", ct, LockKey);
        await using (var check = new NpgsqlCommand("""
            select exists (select 1 from information_schema.columns
                           where table_schema = current_schema() and table_name = 'rm_cheques' and column_name = 'code_hash')
            """, conn, tx))
        {
            if (await check.ExecuteScalarAsync(ct) is not true) return 0;
        }
        await ExecuteAsync(conn, tx, "lock table rm_cheques in access exclusive mode", ct);

        var ids = new List<Guid>();
        await using (var read = new NpgsqlCommand("select id from rm_cheques where code_lookup is null", conn, tx))
        await using (var r = await read.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        foreach (var chunk in ids.Chunk(RowsPerUpdate))
            await ExecuteAsync(conn, tx, """
                update rm_cheques c set code_lookup = x.lookup
                from unnest($1::uuid[], $2::bytea[]) as x(id, lookup) where c.id = x.id
                """, ct, chunk, chunk.Select(key.Lookup.OfCheque).ToArray());

        await ExecuteAsync(conn, tx, """
            alter table rm_cheques alter column code_lookup set not null;
            alter table rm_cheques drop column code_hash;
            """, ct);
        // A blank fingerprint matches no request: a retry of a request from before the upgrade is 409, never run twice.
        await ExecuteAsync(conn, tx, $"""
            do $$ begin
                if to_regclass('{schema.Table("api_idempotency").Replace("'", "''")}') is not null then
                    update {schema.Table("api_idempotency")} set fingerprint = ''::bytea;
                end if;
            end $$;
            """, ct);
        await tx.CommitAsync(ct);
        return ids.Count;
    }

    private async Task<(int Events, int Streams)> RedactEventsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        int events = 0, streams = 0;
        long after = 0;
        while (true)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await ExecuteAsync(conn, tx, "select pg_advisory_xact_lock($1)", ct, LockKey);

            // Keyset over seq_id: one pass over the log, whatever another process has done meanwhile.
            var found = new List<(long Seq, Guid Stream)>();
            await using (var next = new NpgsqlCommand("""
                select seq_id, stream_id from mt_events
                where seq_id > $1 and type = 'cheque_issued' and data ? 'codeHash'
                order by seq_id limit $2
                """, conn, tx))
            {
                next.Parameters.Add(new() { Value = after });
                next.Parameters.Add(new() { Value = StreamsPerBatch });
                await using var r = await next.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) found.Add((r.GetInt64(0), r.GetGuid(1)));
            }
            if (found.Count == 0) return (events, streams);

            var streamIds = found.Select(f => f.Stream).Distinct().ToArray();
            // The streams' rows first, in id order as every append takes them: no append chains onto a head that changes here.
            await ExecuteAsync(conn, tx, "select 1 from mt_streams where id = any($1) order by id for update", ct, streamIds);
            await ExecuteAsync(conn, tx, "update mt_events set data = data - 'codeHash' where seq_id = any($1)", ct,
                found.Select(f => f.Seq).ToArray());
            await holder.Store.RechainStreamsAsync(conn, tx, streamIds, ct);
            await tx.CommitAsync(ct);

            events += found.Count;
            streams += streamIds.Length;
            after = found[^1].Seq;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
