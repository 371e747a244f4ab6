using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain;

/// <summary>
/// The stable names the store writes in mt_events.type / mt_streams.type and the outbox. A name, once used, never
/// changes: renaming a .NET type is free, renaming an alias breaks history (and its hash chain).
/// </summary>
public static class DomainEvents
{
    public static IReadOnlyList<(Type Type, string Alias)> All { get; } =
    [
        (typeof(ProgramCreated), "program_created"),
        (typeof(ProgramOpened), "program_opened"),
        (typeof(ProgramClosed), "program_closed"),

        (typeof(HouseholdRegisterOpened), "household_register_opened"),
        (typeof(HouseholdsImported), "households_imported"),
        (typeof(HouseholdImportCompleted), "household_import_completed"),

        (typeof(ChequeIssued), "cheque_issued"),
        (typeof(ChequeActivated), "cheque_activated"),
        (typeof(ChequeBlocked), "cheque_blocked"),
        (typeof(ChequeReissued), "cheque_reissued"),
        (typeof(ChequeCodeDisclosed), "cheque_code_disclosed"),
        (typeof(CreditPledged), "credit_pledged"),
        (typeof(CreditReleased), "credit_released"),
        (typeof(CreditForwarded), "credit_forwarded"),
        (typeof(ForwardedCreditReceived), "forwarded_credit_received"),

        (typeof(IdeaProposed), "idea_proposed"),
        (typeof(IdeaApproved), "idea_approved"),
        (typeof(IdeaRejected), "idea_rejected"),
        (typeof(IdeaWithdrawn), "idea_withdrawn"),
        (typeof(IdeaExpired), "idea_expired"),
        (typeof(IdeaFunded), "idea_funded"),
        (typeof(IdeaCompleted), "idea_completed"),
        (typeof(PledgeReceived), "pledge_received"),
        (typeof(PledgeWithdrawn), "pledge_withdrawn"),
        (typeof(PledgesReleased), "pledges_released"),
        (typeof(TopUpStarted), "top_up_started"),
        (typeof(TopUpReceived), "top_up_received"),
        (typeof(TopUpTurnedAway), "top_up_turned_away"),
        (typeof(TopUpRefunded), "top_up_refunded"),
        (typeof(TopUpLapsed), "top_up_lapsed"),
        (typeof(TopUpRefundFailed), "top_up_refund_failed"),
        (typeof(ExpenseSubmitted), "expense_submitted"),
        (typeof(ExpenseApproved), "expense_approved"),
        (typeof(ExpenseRejected), "expense_rejected"),
        (typeof(ExpensePaid), "expense_paid"),
    ];

    /// <summary>The aggregates, one per stream type.</summary>
    public static IReadOnlyList<(Type Type, string Alias)> StreamTypes { get; } =
    [
        (typeof(Program), "program"),
        (typeof(HouseholdRegister), "household_register"),
        (typeof(Cheque), "cheque"),
        (typeof(Idea), "idea"),
    ];

    /// <summary>Messages handlers send or schedule (the outbox stores them under these names).</summary>
    public static IReadOnlyList<(Type Type, string Alias)> Messages { get; } =
    [
        (typeof(CloseProgram), "close_program"),
        (typeof(ExpireIdea), "expire_idea"),
        (typeof(ForwardReleasedCredit), "forward_released_credit"),
        (typeof(RefundTopUp), "refund_top_up"),
        (typeof(CheckTopUpRefund), "check_top_up_refund"),
        (typeof(ExpireTopUpCheckout), "expire_top_up_checkout"),
        (typeof(CheckTopUpCheckout), "check_top_up_checkout"),
    ];

    public static string AliasOf(Type type) =>
        All.Concat(StreamTypes).Concat(Messages).FirstOrDefault(e => e.Type == type).Alias
        ?? throw new ArgumentException($"{type.Name} has no alias.", nameof(type));
}
