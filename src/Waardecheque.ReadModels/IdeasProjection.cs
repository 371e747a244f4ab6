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
        create table if not exists rm_topups (
            id uuid primary key, idea_id uuid not null, cheque_id uuid, household_id uuid, amount_cents bigint not null,
            state text not null, payment_reference text, refund_reference text, refunded_cents bigint not null default 0,
            failed_refunds int not null default 0, started_at timestamptz not null, updated_at timestamptz not null);
        create index if not exists rm_topups_idea on rm_topups (idea_id);
        create index if not exists rm_topups_cheque on rm_topups (cheque_id);
        create index if not exists rm_topups_household on rm_topups (household_id);
        create index if not exists rm_topups_payment on rm_topups (payment_reference);
        """;

    public override IReadOnlyList<string> Tables => ["rm_ideas", "rm_pledges", "rm_expenses", "rm_topups"];

    /// <summary>
    /// One statement per event, except pledges and withdrawals from <see cref="ReadModel.FoldFrom"/> events on, which
    /// are folded (<see cref="PledgeFold"/>) and written before the next event that writes the same idea's pledges or
    /// totals, or at the end. Every other event leaves rm_pledges, pledged_cents and households alone, so it may run
    /// before pledges that preceded it.
    /// </summary>
    internal override void Project(IReadOnlyList<IEvent> events, SqlBatch batch)
    {
        var fold = events.Count >= FoldFrom;
        var pledges = new PledgeFold();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case IdeaProposed p:
                    pledges.FlushIfPending(p.IdeaId, batch);
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
                case PledgeReceived p when fold: pledges.Receive(p); break;
                case PledgeWithdrawn w when fold: pledges.Withdraw(w); break;
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
                    pledges.FlushIfPending(r.IdeaId, batch);
                    batch.Add("update rm_pledges set released = true where idea_id = $1", r.IdeaId);
                    batch.Add("update rm_ideas set pledged_cents = 0, topped_up_cents = 0, households = 0 where id = $1", r.IdeaId);
                    foreach (var topUp in r.TopUpsToRefund) batch.Add(TopUpState, topUp, "RefundDue", r.ReleasedAt);
                    break;
                case TopUpStarted t:
                    batch.Add("""
                        insert into rm_topups (id, idea_id, cheque_id, household_id, amount_cents, state, started_at, updated_at)
                        values ($1, $2, $3, $4, $5, 'Started', $6, $6) on conflict (id) do nothing
                        """, t.TopUpId, t.IdeaId, t.ChequeId, t.HouseholdId, t.AmountCents, t.StartedAt);
                    break;
                case TopUpReceived t:
                    batch.Add("update rm_ideas set topped_up_cents = topped_up_cents + $2 where id = $1", t.IdeaId, t.AmountCents);
                    batch.Add("update rm_topups set state = 'Received', payment_reference = $2, updated_at = $3 where id = $1",
                        t.TopUpId, t.PaymentReference, t.ReceivedAt);
                    break;
                case TopUpTurnedAway t:
                    batch.Add("update rm_topups set state = 'TurnedAway', payment_reference = $2, updated_at = $3 where id = $1",
                        t.TopUpId, t.PaymentReference, t.At);
                    break;
                case TopUpLapsed t: batch.Add(TopUpState, t.TopUpId, t.Outcome.ToString(), t.At); break;
                case TopUpRefundFailed t:
                    batch.Add("update rm_topups set failed_refunds = failed_refunds + 1, updated_at = $2 where id = $1", t.TopUpId, t.At);
                    break;
                case TopUpRefunded t:
                    batch.Add("""
                        update rm_topups set state = 'Refunded', refunded_cents = $2, refund_reference = $3, updated_at = $4 where id = $1
                        """, t.TopUpId, t.AmountCents, t.RefundReference, t.RefundedAt);
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
        pledges.Flush(batch);
    }

    private const string TopUpState = "update rm_topups set state = $2, updated_at = $3 where id = $1";

    // Recounted from rm_pledges rather than incremented, so the count of distinct households is always exact.
    private const string Totals = """
        update rm_ideas i set pledged_cents = coalesce(p.total, 0), households = coalesce(p.n, 0)
        from (select sum(amount_cents) total, count(*)::int n from rm_pledges where idea_id = $1 and not released) p
        where i.id = $1
        """;

    private const string SetState = "update rm_ideas set state = $2, decision_reason = coalesce($3, decision_reason) where id = $1";
}
