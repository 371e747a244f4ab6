namespace Waardecheque.Domain;

/// <summary>
/// Every code a handler can throw. The first block is the rule book's (DOMAIN.md, API.md); the second holds the
/// codes this domain added where the rule book names a rule but no code (see docs/rules.md, Decisions).
/// </summary>
public static class ErrorCodes
{
    public const string InvalidAmount = "invalid_amount";                 // P1
    public const string ChequeNotUsable = "cheque_not_usable";            // P2
    public const string InsufficientCredit = "insufficient_credit";       // P3
    public const string IdeaNotOpen = "idea_not_open";                    // P4
    public const string NotANeighbour = "not_a_neighbour";                // P5
    public const string TargetExceeded = "target_exceeded";               // P6
    public const string NeedsMoreNeighbours = "needs_more_neighbours";    // P7
    public const string SamePerson = "same_person";                       // four eyes on expenses
    public const string OverBudget = "over_budget";                       // expenses within the budget
    public const string ValidationFailed = "validation_failed";           // input shape, with field errors
    public const string InvalidCode = "invalid_code";                     // a cheque code fails its check character
    public const string InvalidRows = "invalid_rows";                     // a household CSV with bad rows

    public const string InvalidState = "invalid_state";                   // a transition the state machine forbids
    public const string NotInitiator = "not_initiator";                   // only the idea's initiator may do this
    public const string NoPledge = "no_pledge";                           // withdrawing when there is nothing to withdraw
    public const string ExpensesPending = "expenses_pending";             // completing while expenses await a decision
    public const string TopUpsDisabled = "top_ups_disabled";              // the program does not accept own money
    public const string NotFound = "not_found";                           // an expense or top-up the idea does not know

    public static IReadOnlyList<string> All { get; } =
    [
        InvalidAmount, ChequeNotUsable, InsufficientCredit, IdeaNotOpen, NotANeighbour, TargetExceeded,
        NeedsMoreNeighbours, SamePerson, OverBudget, ValidationFailed, InvalidCode, InvalidRows,
        InvalidState, NotInitiator, NoPledge, ExpensesPending, TopUpsDisabled, NotFound,
    ];
}
