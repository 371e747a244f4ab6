using Npgsql;
using NpgsqlTypes;
using Waardecheque.Domain.Cheques;
using JasperFx.Events;

namespace Waardecheque.ReadModels;

/// <summary>
/// rm_cheques: each cheque's state and available credit, and its code's keyed <see cref="CodeLookup"/> value (the
/// only form in which a code is stored) for resident log-in. Inline, so a resident sees their credit change the moment
/// a pledge commits. No event carries anything derived from the code, so the projection recomputes the lookup value
/// from the cheque id, and needs the server key for that: a rebuild without the right key finds no code.
/// </summary>
public sealed class ChequesProjection(CodeLookup lookup) : ReadModel
{
    public override string Name => "cheques";

    public override string SchemaSql => """
        create table if not exists rm_cheques (
            id uuid primary key, program_id uuid not null, household_id uuid not null, code_lookup bytea not null,
            state text not null, value_cents bigint not null, available_cents bigint not null,
            street text not null, buurt_code text not null, issued_at timestamptz not null, activated_at timestamptz,
            replaces_cheque_id uuid, replaced_by_cheque_id uuid, blocked_reason text);
        create index if not exists rm_cheques_household on rm_cheques (program_id, household_id);
        -- A table from before code_lookup gets the column here (empty) so the index can exist; the one-off start-up
        -- task CodeHashRemoval fills it and drops code_hash (docs/decisions.md).
        alter table rm_cheques add column if not exists code_lookup bytea;
        create unique index if not exists rm_cheques_code_lookup on rm_cheques (code_lookup);
        """;

    public override IReadOnlyList<string> Tables => ["rm_cheques"];

    internal override void Project(IReadOnlyList<IEvent> events, SqlBatch batch)
    {
        // A reissue brings one new cheque, a rebuild thousands: one array insert for all of them.
        var issued = events.Select(e => e.Data).OfType<ChequeIssued>().ToList();
        if (issued.Count > 0) AddIssued(issued, batch);
        AddChanges(events, batch);
    }

    /// <summary>
    /// Every change to existing cheques in one statement, from <see cref="ReadModel.FoldFrom"/> events on (below, one
    /// per event): each event's update either sets columns or adds to available_cents, and no update adds or removes a
    /// row, so folding the events in log order (last value set per column, sum of the moves) gives exactly the rows
    /// one update per event gives. A rebuild page brings thousands (docs/benchmarks.md "rebuild", fix 2).
    /// </summary>
    private static void AddChanges(IReadOnlyList<IEvent> events, SqlBatch batch)
    {
        if (events.Count < FoldFrom)
        {
            foreach (var e in events) AddChange(e.Data, batch);
            return;
        }
        var changes = new Dictionary<Guid, ChequeChange>();
        var order = new List<ChequeChange>();
        ChequeChange Of(Guid id)
        {
            if (!changes.TryGetValue(id, out var change)) order.Add(changes[id] = change = new ChequeChange(id));
            return change;
        }
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ChequeActivated a: Of(a.ChequeId).Activate(a.ActivatedAt); break;
                case ChequeBlocked b: Of(b.ChequeId).Block(b.Reason); break;
                case ChequeReissued r: Of(r.ChequeId).Reissue(r.NewChequeId, r.CarriedCents); break;
                case CreditPledged p: Of(p.ChequeId).Delta -= p.AmountCents; break;
                case CreditReleased r: Of(r.ChequeId).Delta += r.AmountCents; break;
                case CreditForwarded f: Of(f.ChequeId).Delta -= f.AmountCents; break;
                case ForwardedCreditReceived f: Of(f.ChequeId).Delta += f.AmountCents; break;
            }
        }
        if (order.Count > 0) ChequeChange.Add(order, batch);
    }

    /// <summary>One statement for one event that changes an existing cheque (a command's few events: see <see cref="ReadModel.FoldFrom"/>).</summary>
    private static void AddChange(object data, SqlBatch batch)
    {
        switch (data)
        {
            case ChequeActivated a:
                batch.Add("update rm_cheques set state = 'Activated', activated_at = $2 where id = $1", a.ChequeId, a.ActivatedAt);
                break;
            case ChequeBlocked b:
                batch.Add("update rm_cheques set state = 'Blocked', blocked_reason = $2 where id = $1", b.ChequeId, b.Reason);
                break;
            case ChequeReissued r:
                batch.Add("update rm_cheques set state = 'Reissued', replaced_by_cheque_id = $2, available_cents = available_cents - $3 where id = $1",
                    r.ChequeId, r.NewChequeId, r.CarriedCents);
                break;
            case CreditPledged p: batch.Add(Move, p.ChequeId, -p.AmountCents); break;
            case CreditReleased r: batch.Add(Move, r.ChequeId, r.AmountCents); break;
            case CreditForwarded f: batch.Add(Move, f.ChequeId, -f.AmountCents); break;
            case ForwardedCreditReceived f: batch.Add(Move, f.ChequeId, f.AmountCents); break;
        }
    }

    private const string Move = "update rm_cheques set available_cents = available_cents + $2 where id = $1";

    private void AddIssued(List<ChequeIssued> rows, SqlBatch batch) => batch.Add("""
        insert into rm_cheques (id, program_id, household_id, code_lookup, state, value_cents, available_cents, street, buurt_code, issued_at, replaces_cheque_id)
        select id, program_id, household_id, code_lookup, 'Issued', value_cents, value_cents, street, buurt_code, issued_at, replaces
        from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bytea[], $5::bigint[], $6::text[], $7::text[], $8::timestamptz[], $9::uuid[])
             as t(id, program_id, household_id, code_lookup, value_cents, street, buurt_code, issued_at, replaces)
        on conflict (id) do nothing
        """,
        SqlBatch.Array(rows.Select(r => r.ChequeId).ToArray(), NpgsqlDbType.Uuid),
        SqlBatch.Array(rows.Select(r => r.ProgramId).ToArray(), NpgsqlDbType.Uuid),
        SqlBatch.Array(rows.Select(r => r.HouseholdId).ToArray(), NpgsqlDbType.Uuid),
        SqlBatch.Array(rows.Select(r => lookup.OfCheque(r.ChequeId)).ToArray(), NpgsqlDbType.Bytea),
        SqlBatch.Array(rows.Select(r => r.ValueCents).ToArray(), NpgsqlDbType.Bigint),
        SqlBatch.Array(rows.Select(r => r.Street).ToArray(), NpgsqlDbType.Text),
        SqlBatch.Array(rows.Select(r => r.BuurtCode).ToArray(), NpgsqlDbType.Text),
        SqlBatch.Array(rows.Select(r => r.IssuedAt.ToUniversalTime()).ToArray(), NpgsqlDbType.TimestampTz),
        SqlBatch.Array(rows.Select(r => r.ReplacesChequeId).ToArray(), NpgsqlDbType.Uuid));

    /// <summary>
    /// Bulk issuing writes its rows itself (Marten's bulk append runs no projection): one binary COPY in the caller's
    /// transaction. COPY has no <c>on conflict</c> and needs none: the caller writes rows only for streams its own bulk
    /// append just created. (docs/benchmarks.md "issue": the array insert was about 40% of issuing 100,000 cheques.)
    /// </summary>
    public static async Task CopyIssuedAsync(NpgsqlConnection conn, IReadOnlyList<ChequeIssued> rows, CodeLookup lookup, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync("""
            copy rm_cheques (id, program_id, household_id, code_lookup, state, value_cents, available_cents, street, buurt_code, issued_at,
                             replaces_cheque_id) from stdin (format binary)
            """, ct);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(r.ChequeId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(r.ProgramId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(r.HouseholdId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(lookup.OfCheque(r.ChequeId), NpgsqlDbType.Bytea, ct);
            await copy.WriteAsync("Issued", NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.ValueCents, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(r.ValueCents, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(r.Street, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.BuurtCode, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.IssuedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            if (r.ReplacesChequeId is { } replaces) await copy.WriteAsync(replaces, NpgsqlDbType.Uuid, ct);
            else await copy.WriteNullAsync(ct);
        }
        await copy.CompleteAsync(ct);
    }

}
