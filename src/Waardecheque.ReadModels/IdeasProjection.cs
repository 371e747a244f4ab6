using Npgsql;
using Waardecheque.Domain.Ideas;
using JasperFx.Events;

namespace Waardecheque.ReadModels;

/// <summary>
/// rm_ideas (the public list with progress), rm_pledges (who pledged what, per household, for "my pledges" and for
/// staff) and rm_expenses (the queue of expenses to approve). Inline: an idea's progress is what the next resident
/// on the page must see.
/// </summary>
public sealed class IdeasProjection : ReadModel
{
    public override string Name => "ideas";

    public override string SchemaSql => """
        create table if not exists rm_ideas (
            id uuid primary key, program_id uuid not null, title text not null, description text not null,
            scope_kind text not null, buurt_code text not null, street text, target_cents bigint not null,
            pledged_cents bigint not null default 0, topped_up_cents bigint not null default 0,
            households int not null default 0, deadline timestamptz not null, state text not null,
            initiator_cheque_id uuid not null, initiator_household_id uuid not null, proposed_at timestamptz not null,
            decision_reason text, spent_cents bigint not null default 0, returned_cents bigint not null default 0);
        create index if not exists rm_ideas_program on rm_ideas (program_id, state);
        create table if not exists rm_pledges (
            idea_id uuid not null, household_id uuid not null, cheque_id uuid not null, amount_cents bigint not null,
            released boolean not null default false, primary key (idea_id, household_id));
        create index if not exists rm_pledges_cheque on rm_pledges (cheque_id);
        create table if not exists rm_expenses (
            id uuid primary key, idea_id uuid not null, amount_cents bigint not null, payee text not null,
            description text not null, receipt_reference text not null, submitted_by_household_id uuid not null,
            submitted_by_staff_id uuid, state text not null, submitted_at timestamptz not null, decided_by_staff_id uuid,
            reason text, payment_reference text);
        create index if not exists rm_expenses_idea on rm_expenses (idea_id);
        """;

    public override string ResetSql => "truncate rm_ideas, rm_pledges, rm_expenses";

    internal override void Project(IReadOnlyList<IEvent> events, SqlBatch batch)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case IdeaProposed p:
                    batch.Add("""
                        insert into rm_ideas (id, program_id, title, description, scope_kind, buurt_code, street, target_cents, deadline,
                            state, initiator_cheque_id, initiator_household_id, proposed_at)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'Submitted', $10, $11, $12) on conflict (id) do nothing
                        """, p.IdeaId, p.ProgramId, p.Title, p.Description, p.Scope.Kind.ToString(), p.Scope.BuurtCode, p.Scope.Street,
                        p.TargetCents, p.Deadline, p.InitiatorChequeId, p.InitiatorHouseholdId, p.ProposedAt);
                    break;
                case IdeaApproved a: batch.Add(SetState, a.IdeaId, "Open", null); break;
                case IdeaRejected r: batch.Add(SetState, r.IdeaId, "Rejected", r.Reason); break;
                case IdeaWithdrawn w: batch.Add(SetState, w.IdeaId, "Withdrawn", null); break;
                case IdeaExpired x: batch.Add(SetState, x.IdeaId, "Expired", null); break;
                case IdeaFunded f: batch.Add(SetState, f.IdeaId, "Funded", null); break;
                case IdeaCompleted c:
                    batch.Add("update rm_ideas set state = 'Completed', returned_cents = $2 where id = $1", c.IdeaId, c.ReturnedCents);
                    break;
                case PledgeReceived p:
                    batch.Add("""
                        insert into rm_pledges (idea_id, household_id, cheque_id, amount_cents) values ($1, $2, $3, $4)
                        on conflict (idea_id, household_id) do update set amount_cents = rm_pledges.amount_cents + excluded.amount_cents,
                            cheque_id = excluded.cheque_id, released = false
                        """, p.IdeaId, p.HouseholdId, p.ChequeId, p.AmountCents);
                    batch.Add(Totals, p.IdeaId);
                    break;
                case PledgeWithdrawn w:
                    batch.Add("delete from rm_pledges where idea_id = $1 and household_id = $2", w.IdeaId, w.HouseholdId);
                    batch.Add(Totals, w.IdeaId);
                    break;
                case PledgesReleased r:
                    batch.Add("update rm_pledges set released = true where idea_id = $1", r.IdeaId);
                    batch.Add("update rm_ideas set pledged_cents = 0, topped_up_cents = 0, households = 0 where id = $1", r.IdeaId);
                    break;
                case TopUpReceived t:
                    batch.Add("update rm_ideas set topped_up_cents = topped_up_cents + $2 where id = $1", t.IdeaId, t.AmountCents);
                    break;
                case ExpenseSubmitted s:
                    batch.Add("""
                        insert into rm_expenses (id, idea_id, amount_cents, payee, description, receipt_reference, submitted_by_household_id,
                            submitted_by_staff_id, state, submitted_at) values ($1, $2, $3, $4, $5, $6, $7, $8, 'Submitted', $9)
                        on conflict (id) do nothing
                        """, s.ExpenseId, s.IdeaId, s.AmountCents, s.Payee, s.Description, s.ReceiptReference, s.SubmittedByHouseholdId,
                        s.SubmittedByStaffId, s.SubmittedAt);
                    break;
                case ExpenseApproved a:
                    batch.Add("update rm_expenses set state = 'Approved', decided_by_staff_id = $2 where id = $1", a.ExpenseId, a.ByStaffId);
                    batch.Add("update rm_ideas set spent_cents = spent_cents + $2 where id = $1", a.IdeaId, a.AmountCents);
                    break;
                case ExpenseRejected r:
                    batch.Add("update rm_expenses set state = 'Rejected', decided_by_staff_id = $2, reason = $3 where id = $1", r.ExpenseId, r.ByStaffId, r.Reason);
                    break;
                case ExpensePaid p:
                    batch.Add("update rm_expenses set state = 'Paid', payment_reference = $2 where id = $1", p.ExpenseId, p.PaymentReference);
                    break;
            }
        }
    }

    private const string SetState = "update rm_ideas set state = $2, decision_reason = coalesce($3, decision_reason) where id = $1";

    // Recomputed from rm_pledges rather than incremented, so the count of distinct households is always exact.
    private const string Totals = """
        update rm_ideas i set pledged_cents = coalesce(p.total, 0), households = coalesce(p.n, 0)
        from (select sum(amount_cents) total, count(*)::int n from rm_pledges where idea_id = $1 and not released) p
        where i.id = $1
        """;
}
