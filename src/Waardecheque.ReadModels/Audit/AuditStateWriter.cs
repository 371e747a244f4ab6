using Npgsql;
using Waardecheque.Domain.Ledger;

namespace Waardecheque.ReadModels.Audit;

/// <summary>
/// Writes what a fold changed back into the audit tables (the daemon's side of <see cref="AuditState"/>): the program's
/// totals, every buurt, the ideas, cheques, households and (idea, household) pledges that changed, and the days. Rows
/// of many keys go as one <c>unnest</c> statement per table, so a page of 100,000 issued cheques is a few statements.
/// </summary>
internal static class AuditStateWriter
{
    public static void Queue(NpgsqlBatch batch, Guid programId, Books before, Books after, BooksKeys keys, IReadOnlyList<AuditDay> days)
    {
        var b = after;
        AuditState.Add(batch, """
            insert into rm_audit_programs (program_id, closed, issued_cents, activated_cents, available_cents, pledged_open_cents,
                committed_cents, spent_cents, returned_cents, expired_cents, topped_up_cents, refunded_cents, households,
                activated_households, pledging_households)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            on conflict (program_id) do update set closed = excluded.closed, issued_cents = excluded.issued_cents,
                activated_cents = excluded.activated_cents, available_cents = excluded.available_cents,
                pledged_open_cents = excluded.pledged_open_cents, committed_cents = excluded.committed_cents,
                spent_cents = excluded.spent_cents, returned_cents = excluded.returned_cents, expired_cents = excluded.expired_cents,
                topped_up_cents = excluded.topped_up_cents, refunded_cents = excluded.refunded_cents, households = excluded.households,
                activated_households = excluded.activated_households, pledging_households = excluded.pledging_households
            """, programId, b.Closed, b.IssuedCents, b.ActivatedCents, b.AvailableCents, b.PledgedOpenCents, b.CommittedCents,
            b.SpentCents, b.ReturnedCents, b.ExpiredCents, b.ToppedUpCents, b.RefundedCents, b.Households, b.ActivatedCount, b.PledgingCount);

        foreach (var x in b.Buurten.Values.Where(x => !ReferenceEquals(x, before.Buurten.GetValueOrDefault(x.Code))))
            AuditState.Add(batch, """
                insert into rm_audit_buurten (program_id, code, name, households, cheques, issued_cents, activated, pledging, ideas, funded)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                on conflict (program_id, code) do update set name = excluded.name, households = excluded.households,
                    cheques = excluded.cheques, issued_cents = excluded.issued_cents, activated = excluded.activated,
                    pledging = excluded.pledging, ideas = excluded.ideas, funded = excluded.funded
                """, programId, x.Code, x.Name, x.Households, x.Cheques, x.IssuedCents, x.Activated, x.Pledging, x.Ideas, x.Funded);

        foreach (var i in b.Ideas.Values.Where(i => !ReferenceEquals(i, before.Ideas.GetValueOrDefault(i.IdeaId))))
            AuditState.Add(batch, """
                insert into rm_audit_ideas (idea_id, program_id, title, buurt_code, target_cents, state, pledged_cents, topped_up_cents,
                    refunded_cents, spent_cents, returned_cents, households, accepted_top_ups)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                on conflict (idea_id) do update set title = excluded.title, buurt_code = excluded.buurt_code,
                    target_cents = excluded.target_cents, state = excluded.state, pledged_cents = excluded.pledged_cents,
                    topped_up_cents = excluded.topped_up_cents, refunded_cents = excluded.refunded_cents,
                    spent_cents = excluded.spent_cents, returned_cents = excluded.returned_cents, households = excluded.households,
                    accepted_top_ups = excluded.accepted_top_ups
                """, i.IdeaId, programId, i.Title, i.BuurtCode, i.TargetCents, i.State.ToString(), i.PledgedCents, i.ToppedUpCents,
                i.RefundedCents, i.SpentCents, i.ReturnedCents, i.Households, i.AcceptedTopUps.ToArray());

        // The close empties every cheque of the program, also those this fold did not load.
        if (keys.Closes)
            AuditState.Add(batch, "update rm_audit_cheques set balance_cents = 0 where program_id = $1 and balance_cents <> 0", programId);
        var cheques = b.Cheques.Where(c => !ReferenceEquals(c.Value, before.Cheques.GetValueOrDefault(c.Key))).ToList();
        if (cheques.Count > 0)
            AuditState.Add(batch, """
                insert into rm_audit_cheques (cheque_id, program_id, household_id, buurt_code, balance_cents, activated)
                select c, $2, h, z, bal, a from unnest($1::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::boolean[]) t (c, h, z, bal, a)
                on conflict (cheque_id) do update set household_id = excluded.household_id, buurt_code = excluded.buurt_code,
                    balance_cents = excluded.balance_cents, activated = excluded.activated
                """, cheques.Select(c => c.Key).ToArray(), programId, cheques.Select(c => c.Value.HouseholdId).ToArray(),
                cheques.Select(c => c.Value.BuurtCode).ToArray(), cheques.Select(c => c.Value.BalanceCents).ToArray(),
                cheques.Select(c => c.Value.Activated).ToArray());

        // Households: every one this fold could have changed (named by an event, or the holder of a named cheque).
        var households = keys.Households.Concat(b.Cheques.Values.Select(c => c.HouseholdId)).Where(h => h != Guid.Empty)
            .Where(h => b.IssuedPerHousehold.ContainsKey(h) || b.ActivatedHouseholds.Contains(h) || b.PledgingHouseholds.Contains(h))
            .Distinct().ToList();
        if (households.Count > 0)
            AuditState.Add(batch, """
                insert into rm_audit_households (program_id, household_id, issued_cents, activated, pledging)
                select $1, h, i, a, p from unnest($2::uuid[], $3::bigint[], $4::boolean[], $5::boolean[]) t (h, i, a, p)
                on conflict (program_id, household_id) do update set issued_cents = excluded.issued_cents,
                    activated = excluded.activated, pledging = excluded.pledging
                """, programId, households.ToArray(),
                households.Select(h => b.IssuedPerHousehold.TryGetValue(h, out var v) ? v : (long?)null).ToArray(),
                households.Select(b.ActivatedHouseholds.Contains).ToArray(), households.Select(b.PledgingHouseholds.Contains).ToArray());

        // (idea, household) pledges: a release drops all of an idea's rows; then each named pair is written or dropped.
        if (keys.ReleasedIdeas.Count > 0)
            AuditState.Add(batch, "delete from rm_audit_idea_pledges where idea_id = any($1)", keys.ReleasedIdeas.ToArray());
        var pairs = keys.IdeaPledges.Select(p => (p.Idea, p.Household,
            Amount: b.Ideas.GetValueOrDefault(p.Idea)?.PledgedByHousehold.TryGetValue(p.Household, out var v) == true ? v : (long?)null)).ToList();
        var kept = pairs.Where(p => p.Amount is not null).ToList();
        var gone = pairs.Where(p => p.Amount is null).ToList();
        if (gone.Count > 0)
            AuditState.Add(batch, """
                delete from rm_audit_idea_pledges p using unnest($1::uuid[], $2::uuid[]) k (idea_id, household_id)
                where p.idea_id = k.idea_id and p.household_id = k.household_id
                """, gone.Select(p => p.Idea).ToArray(), gone.Select(p => p.Household).ToArray());
        if (kept.Count > 0)
            AuditState.Add(batch, """
                insert into rm_audit_idea_pledges (idea_id, household_id, amount_cents)
                select * from unnest($1::uuid[], $2::uuid[], $3::bigint[])
                on conflict (idea_id, household_id) do update set amount_cents = excluded.amount_cents
                """, kept.Select(p => p.Idea).ToArray(), kept.Select(p => p.Household).ToArray(), kept.Select(p => p.Amount!.Value).ToArray());

        foreach (var d in days)
        {
            var f = d.Figures;
            AuditState.Add(batch, """
                insert into rm_audit_days (program_id, day, issued_cents, activated_cents, available_cents, pledged_open_cents,
                    committed_cents, spent_cents, returned_cents, expired_cents, topped_up_cents, refunded_cents, reconciles,
                    households, activated_households, pledging_households, ideas, funded)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                on conflict (program_id, day) do update set issued_cents = excluded.issued_cents, activated_cents = excluded.activated_cents,
                    available_cents = excluded.available_cents, pledged_open_cents = excluded.pledged_open_cents,
                    committed_cents = excluded.committed_cents, spent_cents = excluded.spent_cents, returned_cents = excluded.returned_cents,
                    expired_cents = excluded.expired_cents, topped_up_cents = excluded.topped_up_cents,
                    refunded_cents = excluded.refunded_cents, reconciles = excluded.reconciles, households = excluded.households,
                    activated_households = excluded.activated_households, pledging_households = excluded.pledging_households,
                    ideas = excluded.ideas, funded = excluded.funded
                """, programId, d.Date, f.IssuedCents, f.ActivatedCents, f.AvailableCents, f.PledgedOpenCents, f.CommittedCents,
                f.SpentCents, f.ReturnedCents, f.ExpiredCents, f.ToppedUpCents, f.RefundedCents, f.Reconciles,
                f.Participation.Households, f.Participation.Activated, f.Participation.Pledging, f.Participation.Ideas, f.Participation.Funded);
        }
    }
}
