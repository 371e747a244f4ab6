namespace Waardecheque.ReadModels.Integrity;

/// <summary>
/// The hash chain on Marten's events (ARCHITECTURE.md "Tamper evidence"), written by PostgreSQL itself: a statement
/// trigger on <c>mt_events</c> hashes every new event in the transaction that inserts it, whoever inserts it (Marten's
/// appends, its bulk COPY, a person with psql). Each event's hash goes to <c>wc_event_hashes</c> (by seq_id) and each
/// stream's newest to <c>wc_stream_heads</c>, so chaining the next event needs no read of the log.
/// <para>
/// The hash input is the one <see cref="EventHash"/> computes: stream id (uuid_send: 16 bytes), version (8 bytes
/// big-endian), type alias and body each with a 4-byte big-endian length, then the previous hash (32 zero bytes for
/// version 1). The body is <c>data::text</c>: jsonb's own text form, which is canonical (keys sorted, one spelling per
/// value), so the C# verifier can recompute it from what <c>mt_events</c> returns.
/// </para>
/// <para>
/// Appends to one stream are serialised by Marten (the version check locks the stream row; a plain append that races
/// fails on the unique (stream_id, version) index before this trigger runs), so the previous head this trigger reads
/// is always committed or its own transaction's.
/// </para>
/// <para>
/// Marten's quick append inserts each event with its own statement, so the trigger mostly sees one event: that case
/// takes a short path of two single-row statements (the head's update computes the new hash from the head it replaces
/// and returns it; then the event's hash row), with no reads of the head, no arrays and no <c>on conflict</c> (whose
/// row lock costs a WAL record of its own). Statements with more events (bulk COPY, the legacy import) chain in the
/// loop and write set-wise. Both paths compute the same bytes (docs/benchmarks.md, "Per-pledge cost").
/// </para>
/// </summary>
public static class HashChainSql
{
    public const string Schema = """
        create table if not exists wc_event_hashes (
            seq_id bigint primary key, stream_id uuid not null, version bigint not null, hash bytea not null);
        create table if not exists wc_stream_heads (
            stream_id uuid primary key, version bigint not null, hash bytea not null, seq_id bigint not null);

        create or replace function wc_chain_events() returns trigger language plpgsql as $$
        declare
            r record;
            zero constant bytea := decode(repeat('00', 32), 'hex');
            prev bytea;
            prev_stream uuid;
            prev_version bigint;
            head_version bigint;
            type_bytes bytea;
            body_bytes bytea;
            payload bytea;
            seqs bigint[] := '{}';
            streams uuid[] := '{}';
            versions bigint[] := '{}';
            hashes bytea[] := '{}';
        begin
            for r in select seq_id, stream_id, version, type, data::text as body, count(*) over () as n
                     from new_events order by stream_id, version loop
                type_bytes := convert_to(r.type, 'UTF8');
                body_bytes := convert_to(r.body, 'UTF8');
                -- Everything the hash covers but the previous hash, which comes last.
                payload := uuid_send(r.stream_id) || int8send(r.version)
                           || int4send(length(type_bytes)) || type_bytes || int4send(length(body_bytes)) || body_bytes;
                if r.n = 1 then
                    -- One event in the statement: what Marten's quick append sends, one insert per event. Two single-row
                    -- statements: the stream's head moves and yields the new hash in one update (chained on the head
                    -- it replaces), then the event's hash is stored.
                    if r.version = 1 then
                        prev := sha256(payload || zero);
                        insert into wc_stream_heads (stream_id, version, hash, seq_id) values (r.stream_id, 1, prev, r.seq_id)
                        on conflict (stream_id) do update set version = excluded.version, hash = excluded.hash, seq_id = excluded.seq_id
                        where wc_stream_heads.version < excluded.version;
                    else
                        update wc_stream_heads h set version = r.version, hash = sha256(payload || h.hash), seq_id = r.seq_id
                        where h.stream_id = r.stream_id and h.version = r.version - 1
                        returning h.hash into prev;
                        if not found then
                            raise exception 'no hash for event % of stream % to chain onto', r.version - 1, r.stream_id;
                        end if;
                    end if;
                    insert into wc_event_hashes (seq_id, stream_id, version, hash) values (r.seq_id, r.stream_id, r.version, prev);
                    return null;
                end if;

                if r.stream_id is distinct from prev_stream then
                    if r.version = 1 then
                        prev := zero;
                    else
                        select h.version, h.hash into head_version, prev from wc_stream_heads h where h.stream_id = r.stream_id;
                        if head_version is distinct from r.version - 1 then
                            raise exception 'no hash for event % of stream % to chain onto', r.version - 1, r.stream_id;
                        end if;
                    end if;
                elsif r.version <> prev_version + 1 then
                    raise exception 'events of stream % are not consecutive (% after %)', r.stream_id, r.version, prev_version;
                end if;
                prev := sha256(payload || prev);
                seqs := array_append(seqs, r.seq_id);
                streams := array_append(streams, r.stream_id);
                versions := array_append(versions, r.version);
                hashes := array_append(hashes, prev);
                prev_stream := r.stream_id;
                prev_version := r.version;
            end loop;

            insert into wc_event_hashes (seq_id, stream_id, version, hash)
            select * from unnest(seqs, streams, versions, hashes);
            -- The last event of each stream in this statement is its new head.
            insert into wc_stream_heads (stream_id, version, hash, seq_id)
            select distinct on (s) s, v, h, q from unnest(streams, versions, hashes, seqs) as x(s, v, h, q) order by s, v desc
            on conflict (stream_id) do update set version = excluded.version, hash = excluded.hash, seq_id = excluded.seq_id
            where wc_stream_heads.version < excluded.version;
            return null;
        end $$;

        drop trigger if exists wc_chain_events on mt_events;
        create trigger wc_chain_events after insert on mt_events
            referencing new table as new_events for each statement execute function wc_chain_events();
        """;
}
