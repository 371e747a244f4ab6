using System.Collections.Immutable;
using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Ideas;

public enum IdeaState { Submitted, Open, Rejected, Withdrawn, Expired, Funded, Completed }

// ---- Life cycle
public sealed record IdeaProposed(Guid IdeaId, Guid ProgramId, string Title, string Description, Scope Scope,
    long TargetCents, DateTimeOffset Deadline, Guid InitiatorChequeId, Guid InitiatorHouseholdId, DateTimeOffset ProposedAt,
    Guid? OnBehalfOfStaffId = null);
/// <summary>Opens the idea for pledges. <see cref="ApprovedByStaffId"/> is null when the program has no moderation.</summary>
public sealed record IdeaApproved(Guid IdeaId, Guid? ApprovedByStaffId, DateTimeOffset ApprovedAt);
public sealed record IdeaRejected(Guid IdeaId, string Reason, Guid ByStaffId, DateTimeOffset RejectedAt);
public sealed record IdeaWithdrawn(Guid IdeaId, Guid? ByHouseholdId, Guid? ByStaffId, DateTimeOffset WithdrawnAt);
public sealed record IdeaExpired(Guid IdeaId, DateTimeOffset ExpiredAt);
/// <summary>The money is complete and enough neighbours joined; from here the pledges are committed.</summary>
public sealed record IdeaFunded(Guid IdeaId, long TotalCents, long PledgedCents, long ToppedUpCents, int Households, DateTimeOffset FundedAt);
public sealed record IdeaCompleted(Guid IdeaId, long BudgetCents, long SpentCents, long ReturnedCents, Guid ByStaffId, DateTimeOffset CompletedAt);

// ---- Pledges (the cheque side is CreditPledged / CreditReleased on the cheque stream)
public sealed record PledgeReceived(Guid IdeaId, Guid ChequeId, Guid HouseholdId, long AmountCents, DateTimeOffset PledgedAt,
    Guid? OnBehalfOfStaffId = null, Guid? CollectedByHouseholdId = null);
/// <summary>A household takes back everything it pledged (from any of its cheques) to <see cref="ToChequeId"/>.</summary>
public sealed record PledgeWithdrawn(Guid IdeaId, Guid HouseholdId, Guid ToChequeId, long AmountCents, DateTimeOffset WithdrawnAt,
    Guid? OnBehalfOfStaffId = null);
public sealed record ReleasedPledge(Guid ChequeId, Guid HouseholdId, long AmountCents);
/// <summary>All or nothing: the idea did not go ahead, so every pledge went back and every top-up is to be refunded.</summary>
public sealed record PledgesReleased(Guid IdeaId, ReleaseReason Reason, IReadOnlyList<ReleasedPledge> Pledges,
    IReadOnlyList<Guid> TopUpsToRefund, long PledgedCents, long ToppedUpCents, DateTimeOffset ReleasedAt);

// ---- Top-ups (own money through Stripe)
/// <summary>Someone started paying own money toward the idea: nothing counts yet. <see cref="ChequeId"/> and
/// <see cref="HouseholdId"/> say whose top-up it is (for "Mijn cheque"); null in events written before they were recorded.</summary>
public sealed record TopUpStarted(Guid IdeaId, Guid TopUpId, long AmountCents, DateTimeOffset StartedAt,
    Guid? ChequeId = null, Guid? HouseholdId = null);
public sealed record TopUpReceived(Guid IdeaId, Guid TopUpId, long AmountCents, string PaymentReference, DateTimeOffset ReceivedAt);
/// <summary>Paid, but it no longer fits (the idea filled up or closed meanwhile): it never counts and is refunded.</summary>
public sealed record TopUpTurnedAway(Guid IdeaId, Guid TopUpId, long AmountCents, string PaymentReference, string Reason, DateTimeOffset At);
public sealed record TopUpRefunded(Guid IdeaId, Guid TopUpId, long AmountCents, string RefundReference, DateTimeOffset RefundedAt);
/// <summary>A started top-up was never paid: its checkout expired, or the (delayed) payment failed. It never counts.</summary>
public sealed record TopUpLapsed(Guid IdeaId, Guid TopUpId, long AmountCents, TopUpLapse Outcome, DateTimeOffset At);
/// <summary>Stripe could not carry out refund <see cref="RefundReference"/>: the money is still to be paid back (another try).</summary>
public sealed record TopUpRefundFailed(Guid IdeaId, Guid TopUpId, long AmountCents, string RefundReference, DateTimeOffset At);

// ---- Expenses of a funded idea
public sealed record ExpenseSubmitted(Guid IdeaId, Guid ExpenseId, long AmountCents, string Payee, string Description,
    string ReceiptReference, Guid SubmittedByHouseholdId, Guid? SubmittedByStaffId, DateTimeOffset SubmittedAt);
public sealed record ExpenseApproved(Guid IdeaId, Guid ExpenseId, long AmountCents, Guid ByStaffId, DateTimeOffset ApprovedAt);
public sealed record ExpenseRejected(Guid IdeaId, Guid ExpenseId, long AmountCents, string Reason, Guid ByStaffId, DateTimeOffset RejectedAt);
public sealed record ExpensePaid(Guid IdeaId, Guid ExpenseId, long AmountCents, string PaymentReference, Guid ByStaffId, DateTimeOffset PaidAt);

public sealed record PledgeLine(Guid ChequeId, Guid HouseholdId, long AmountCents);

public enum TopUpState { Started, Received, TurnedAway, RefundDue, Refunded, Expired, Failed }
public enum TopUpLapse { Expired, Failed }
/// <summary><see cref="FailedRefunds"/>: Stripe refunds that failed (each try after one gets a new idempotency key).</summary>
public sealed record TopUp(Guid TopUpId, long AmountCents, TopUpState State, string? PaymentReference)
{
    public ImmutableHashSet<string> FailedRefunds { get; init; } = [];
    /// <summary>Paid money that is to go back and has not yet.</summary>
    public bool AwaitsRefund => State is TopUpState.RefundDue or TopUpState.TurnedAway;
}

public enum ExpenseState { Submitted, Approved, Rejected, Paid }
public sealed record Expense(Guid ExpenseId, long AmountCents, string Payee, Guid SubmittedByHouseholdId,
    Guid? SubmittedByStaffId, ExpenseState State);

/// <summary>
/// An idea and everything that happens to its money: pledges per cheque (so releasing knows what goes where),
/// top-ups, and expenses once funded.
/// </summary>
public sealed record Idea(
    Guid Id,
    Guid ProgramId,
    string Title,
    Scope Scope,
    long TargetCents,
    DateTimeOffset Deadline,
    Guid InitiatorChequeId,
    Guid InitiatorHouseholdId,
    IdeaState State,
    ImmutableDictionary<Guid, PledgeLine> Pledges,
    long PledgedCents,
    long ToppedUpCents,
    ImmutableDictionary<Guid, TopUp> TopUps,
    ImmutableDictionary<Guid, Expense> Expenses,
    long Version)
{
    public static Idea Create(IdeaProposed e) => new(e.IdeaId, e.ProgramId, e.Title, e.Scope, e.TargetCents, e.Deadline,
        e.InitiatorChequeId, e.InitiatorHouseholdId, IdeaState.Submitted, ImmutableDictionary<Guid, PledgeLine>.Empty, 0, 0,
        ImmutableDictionary<Guid, TopUp>.Empty, ImmutableDictionary<Guid, Expense>.Empty, 1);

    public Idea Apply(IdeaApproved _) => this with { State = IdeaState.Open };
    public Idea Apply(IdeaRejected _) => this with { State = IdeaState.Rejected };
    public Idea Apply(IdeaWithdrawn _) => this with { State = IdeaState.Withdrawn };
    public Idea Apply(IdeaExpired _) => this with { State = IdeaState.Expired };
    public Idea Apply(IdeaFunded _) => this with { State = IdeaState.Funded };
    public Idea Apply(IdeaCompleted _) => this with { State = IdeaState.Completed };

    public Idea Apply(PledgeReceived e)
    {
        var line = Pledges.TryGetValue(e.ChequeId, out var old) ? old with { AmountCents = old.AmountCents + e.AmountCents }
            : new PledgeLine(e.ChequeId, e.HouseholdId, e.AmountCents);
        return this with { Pledges = Pledges.SetItem(e.ChequeId, line), PledgedCents = PledgedCents + e.AmountCents };
    }

    public Idea Apply(PledgeWithdrawn e) => this with
    {
        Pledges = Pledges.RemoveRange(Pledges.Values.Where(p => p.HouseholdId == e.HouseholdId).Select(p => p.ChequeId)),
        PledgedCents = PledgedCents - e.AmountCents,
    };

    public Idea Apply(PledgesReleased e) => this with
    {
        Pledges = ImmutableDictionary<Guid, PledgeLine>.Empty,
        PledgedCents = 0,
        ToppedUpCents = 0,
        TopUps = TopUps.SetItems(e.TopUpsToRefund.Select(id =>
            KeyValuePair.Create(id, TopUps[id] with { State = TopUpState.RefundDue }))),
    };

    public Idea Apply(TopUpStarted e) => this with { TopUps = TopUps.SetItem(e.TopUpId, new TopUp(e.TopUpId, e.AmountCents, TopUpState.Started, null)) };
    public Idea Apply(TopUpReceived e) => this with
    {
        TopUps = TopUps.SetItem(e.TopUpId, new TopUp(e.TopUpId, e.AmountCents, TopUpState.Received, e.PaymentReference)),
        ToppedUpCents = ToppedUpCents + e.AmountCents,
    };
    public Idea Apply(TopUpTurnedAway e) => this with
    {
        TopUps = TopUps.SetItem(e.TopUpId, new TopUp(e.TopUpId, e.AmountCents, TopUpState.TurnedAway, e.PaymentReference)),
    };
    public Idea Apply(TopUpRefunded e) => this with { TopUps = TopUps.SetItem(e.TopUpId, TopUps[e.TopUpId] with { State = TopUpState.Refunded }) };
    public Idea Apply(TopUpLapsed e) => this with
    {
        TopUps = TopUps.SetItem(e.TopUpId, TopUps[e.TopUpId] with { State = e.Outcome == TopUpLapse.Expired ? TopUpState.Expired : TopUpState.Failed }),
    };
    public Idea Apply(TopUpRefundFailed e) => this with
    {
        TopUps = TopUps.SetItem(e.TopUpId, TopUps[e.TopUpId] with { FailedRefunds = TopUps[e.TopUpId].FailedRefunds.Add(e.RefundReference) }),
    };

    public Idea Apply(ExpenseSubmitted e) => this with
    {
        Expenses = Expenses.SetItem(e.ExpenseId, new Expense(e.ExpenseId, e.AmountCents, e.Payee, e.SubmittedByHouseholdId,
            e.SubmittedByStaffId, ExpenseState.Submitted)),
    };
    public Idea Apply(ExpenseApproved e) => WithExpense(e.ExpenseId, ExpenseState.Approved);
    public Idea Apply(ExpenseRejected e) => WithExpense(e.ExpenseId, ExpenseState.Rejected);
    public Idea Apply(ExpensePaid e) => WithExpense(e.ExpenseId, ExpenseState.Paid);

    /// <summary>Pledged plus topped up: what P6 holds against the target.</summary>
    public long TotalCents => PledgedCents + ToppedUpCents;
    public long StillNeededCents => TargetCents - TotalCents;
    /// <summary>Distinct households with a pledge; the initiator's household counts like any other, once (P8).</summary>
    public int HouseholdCount => Pledges.Values.Select(p => p.HouseholdId).Distinct().Count();
    public bool HasPledgeFrom(Guid householdId) => Pledges.Values.Any(p => p.HouseholdId == householdId);
    public long PledgedBy(Guid householdId) => Pledges.Values.Where(p => p.HouseholdId == householdId).Sum(p => p.AmountCents);

    /// <summary>P4: Open and the deadline has not come yet (at the deadline itself the idea is over).</summary>
    public bool IsOpenAt(DateTimeOffset now) => State == IdeaState.Open && now < Deadline;
    public bool IsFinal => State is IdeaState.Rejected or IdeaState.Withdrawn or IdeaState.Expired or IdeaState.Completed;

    /// <summary>A funded idea's budget is its target.</summary>
    public long BudgetCents => TargetCents;
    /// <summary>Submitted, approved or paid: what may never exceed the budget.</summary>
    public long ClaimedCents => Expenses.Values.Where(x => x.State != ExpenseState.Rejected).Sum(x => x.AmountCents);
    /// <summary>Approved or paid: the money that has left the idea.</summary>
    public long SpentCents => Expenses.Values.Where(x => x.State is ExpenseState.Approved or ExpenseState.Paid).Sum(x => x.AmountCents);

    private Idea WithExpense(Guid expenseId, ExpenseState state) =>
        this with { Expenses = Expenses.SetItem(expenseId, Expenses[expenseId] with { State = state }) };
}
