using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.ReadModels.Integrity;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// Turns a database the app wrote (on Marten) into what the pre-Marten store left behind, with raw SQL only: Marten's
/// and our chain's objects dropped, the old store's DDL (SchemaSql at 71e7b9a) with its mt_schema_version row, the same
/// events with <c>codeHash</c> (the unsalted SHA-256 of the code) back in every cheque_issued body, a hash chain over
/// those bodies in each event and stream head, and rm_cheques with <c>code_hash</c> instead of <c>code_lookup</c> (the
/// shape from before the keyed lookup). Tables outside the event store (staff, sessions, keys, outbox...) stay as they are.
/// The old chain's body form was the deleted C# canonical JSON; here it is jsonb's text, which changes no property the
/// import relies on (it keeps no old hash).
/// </summary>
public static class OldStoreShape
{
    /// <summary>The old store's DDL, as SchemaSql.cs at 71e7b9a created it.</summary>
    private const string OldDdl = """
        create table mt_schema_version (
            component text primary key,
            version integer not null,
            applied_at timestamptz not null default now());
        insert into mt_schema_version (component, version) values ('event_store', 1);

        create table mt_streams (
            id uuid primary key,
            type text,
            version bigint not null,
            timestamp timestamptz not null default now(),
            created timestamptz not null default now(),
            is_archived boolean not null default false,
            head_hash bytea not null);
        create sequence mt_events_sequence cache 1;
        create table mt_events (
            seq_id bigint primary key,
            id uuid not null,
            stream_id uuid not null,
            version bigint not null,
            data jsonb not null,
            type text not null,
            timestamp timestamptz not null,
            correlation_id text,
            causation_id text,
            headers jsonb,
            user_name text,
            hash bytea not null,
            constraint mt_events_stream_version unique (stream_id, version));
        create table mt_event_progression (
            name text primary key,
            last_seq_id bigint not null default 0,
            last_updated timestamptz not null default now());
        """;

    /// <summary>Drops every Marten object and our chain's (tables, sequences, functions, procedures) in the current schema.</summary>
    private const string DropNewStore = """
        do $$
        declare r record;
        begin
            for r in select c.relname from pg_class c
                     where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
                       and (c.relname like 'mt\_%' or c.relname in ('wc_event_hashes', 'wc_stream_heads')) loop
                execute format('drop table if exists %I cascade', r.relname);
            end loop;
            for r in select c.relname from pg_class c
                     where c.relnamespace = current_schema()::regnamespace and c.relkind = 'S' and c.relname like 'mt\_%' loop
                execute format('drop sequence %I', r.relname);
            end loop;
            for r in select p.oid::regprocedure as sig from pg_proc p
                     where p.pronamespace = current_schema()::regnamespace and (p.proname like 'mt\_%' or p.proname like 'wc\_%') loop
                execute format('drop routine %s cascade', r.sig);
            end loop;
        end $$;
        """;

    /// <summary>
    /// The outbox table of the versions before Wolverine (created by them at start, written in each command's
    /// transaction). This version never creates it; it moves its rows into Wolverine's schedule once (OldOutboxMove).
    /// </summary>
    public const string OutboxTableSql = """
        create table if not exists wc_outbox (
            id uuid primary key,
            message_type text not null,
            body jsonb not null,
            due_at timestamptz not null,
            attempts int not null default 0,
            last_error text,
            actor text not null,
            correlation_id text,
            created_at timestamptz not null default now());
        create index if not exists wc_outbox_due on wc_outbox (due_at);
        """;

    /// <summary>The SHA-256 hex of a code, as cheque_issued and rm_cheques.code_hash kept it before the keyed lookup.</summary>
    public static string OldCodeHash(Guid chequeId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(
            ChequeCode.Derive(Encoding.UTF8.GetBytes(ApiWorld.CodeKey), chequeId).Normalised)));

    /// <summary>
    /// Writes the old shape; returns the old chain's hashes that a code's hash went into (its cheque_issued event and
    /// every later event of that stream, which chains on it), for the "none survives" check. The other streams' old
    /// hashes cover no code; with this stand-in body form they even equal the new ones.
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>> WriteAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await ExecuteAsync(conn, tx, """
            create temp table old_events on commit drop as
                select seq_id, id, stream_id, version, data, type, timestamp, correlation_id, causation_id, headers, user_name from mt_events;
            create temp table old_streams on commit drop as
                select id, type, version, timestamp, created, coalesce(is_archived, false) as is_archived from mt_streams where version > 0;
            create temp table old_cheques on commit drop as select id from rm_cheques;
            """);
        await ExecuteAsync(conn, tx, DropNewStore);
        await ExecuteAsync(conn, tx, OldDdl);

        var chequeIds = new List<Guid>();
        await using (var read = new NpgsqlCommand("select id from old_cheques", conn, tx))
        await using (var r = await read.ExecuteReaderAsync())
            while (await r.ReadAsync()) chequeIds.Add(r.GetGuid(0));
        var codeHashes = chequeIds.Select(OldCodeHash).ToArray();
        await ExecuteAsync(conn, tx, """
            insert into mt_streams (id, type, version, timestamp, created, is_archived, head_hash)
            select id, type, version, timestamp, created, is_archived, '\x00'::bytea from old_streams;
            """);
        // (Positional parameters need one statement per command.)
        await ExecuteAsync(conn, tx, """
            insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, correlation_id, causation_id, headers, user_name, hash)
            select e.seq_id, e.id, e.stream_id, e.version,
                   case when e.type = 'cheque_issued' then e.data || jsonb_build_object('codeHash', x.h) else e.data end,
                   e.type, e.timestamp, e.correlation_id, e.causation_id, e.headers, e.user_name, '\x00'::bytea
            from old_events e left join unnest($1::uuid[], $2::text[]) as x(id, h) on x.id = e.stream_id
            """, chequeIds.ToArray(), codeHashes);
        await ExecuteAsync(conn, tx, "select setval('mt_events_sequence', (select max(seq_id) from mt_events))");

        // The old chain over the bodies WITH codeHash, event by event, and the heads.
        var rows = new List<(long Seq, Guid Stream, long Version, string Type, string Data)>();
        await using (var read = new NpgsqlCommand("select seq_id, stream_id, version, type, data::text from mt_events order by stream_id, version", conn, tx))
        await using (var r = await read.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows.Add((r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetString(4)));
        var heads = new Dictionary<Guid, byte[]>();
        var hashes = new List<byte[]>();
        var tainted = new List<byte[]>();
        var taintedStreams = new HashSet<Guid>();
        foreach (var e in rows)
        {
            var hash = EventHash.FromCanonicalBody(e.Stream, e.Version, e.Type, Encoding.UTF8.GetBytes(e.Data), heads.GetValueOrDefault(e.Stream, EventHash.Genesis));
            heads[e.Stream] = hash;
            hashes.Add(hash);
            if (e.Data.Contains("\"codeHash\"", StringComparison.Ordinal)) taintedStreams.Add(e.Stream);
            if (taintedStreams.Contains(e.Stream)) tainted.Add(hash);
        }
        await ExecuteAsync(conn, tx, "update mt_events e set hash = x.h from unnest($1::bigint[], $2::bytea[]) as x(s, h) where e.seq_id = x.s",
            rows.Select(e => e.Seq).ToArray(), hashes.ToArray());
        await ExecuteAsync(conn, tx, "update mt_streams s set head_hash = x.h from unnest($1::uuid[], $2::bytea[]) as x(id, h) where s.id = x.id",
            heads.Keys.ToArray(), heads.Values.ToArray());

        // rm_cheques as it was before the keyed lookup.
        await ExecuteAsync(conn, tx, """
            drop index rm_cheques_code_lookup;
            alter table rm_cheques drop column code_lookup;
            alter table rm_cheques add column code_hash text;
            """);
        await ExecuteAsync(conn, tx, "update rm_cheques c set code_hash = x.h from unnest($1::uuid[], $2::text[]) as x(id, h) where c.id = x.id",
            chequeIds.ToArray(), codeHashes);
        await ExecuteAsync(conn, tx, """
            alter table rm_cheques alter column code_hash set not null;
            alter table rm_cheques add constraint rm_cheques_code_hash_key unique (code_hash);
            """);
        await tx.CommitAsync();
        return tainted;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        await cmd.ExecuteNonQueryAsync();
    }
}
