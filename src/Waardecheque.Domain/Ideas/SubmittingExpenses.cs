
namespace Waardecheque.Domain.Ideas;

/// <summary>
/// The initiator accounts for spending with a receipt (<see cref="ReceiptReference"/>: the stored file's key).
/// A connector may submit on their behalf; then that connector may not also approve it.
/// </summary>
public sealed record SubmitExpense(Guid IdeaId, Guid ExpenseId, Guid SubmittedByHouseholdId, long AmountCents,
    string Payee, string Description, string ReceiptReference, Guid? OnBehalfOfStaffId = null);

public static class SubmitExpenseHandler
{
    public const int MaxPayee = 200, MaxDescription = 2000;

    public static void Validate(SubmitExpense cmd)
    {
        Rule.Require(cmd.AmountCents > 0, ErrorCodes.InvalidAmount, "Een uitgave is een bedrag van meer dan 0 cent.");
        new FieldErrors()
            .Text(cmd.Payee, "payee", 1, MaxPayee, $"Aan wie is betaald? (hoogstens {MaxPayee} tekens)")
            .Text(cmd.Description, "description", 1, MaxDescription, $"Waarvoor is betaald? (hoogstens {MaxDescription} tekens)", TextKind.Long)
            .Check(!string.IsNullOrWhiteSpace(cmd.ReceiptReference), "receipt", "Voeg de bon of factuur toe.")
            .ThrowIfAny();
    }

    public static Events Handle(SubmitExpense cmd, Idea idea, DateTimeOffset now)
    {
        Validate(cmd);
        Rule.Require(cmd.SubmittedByHouseholdId == idea.InitiatorHouseholdId, ErrorCodes.NotInitiator,
            "Alleen wie het idee heeft voorgesteld kan uitgaven indienen.");
        Rule.Require(idea.State == IdeaState.Funded, ErrorCodes.InvalidState, "Uitgaven kunnen alleen bij een gefinancierd idee.");
        Rule.Require(!idea.Expenses.ContainsKey(cmd.ExpenseId), ErrorCodes.InvalidState, "Deze uitgave is al ingediend.");
        var left = idea.BudgetCents - idea.ClaimedCents;
        Rule.Require(cmd.AmountCents <= left, ErrorCodes.OverBudget,
            $"Er is nog {Money.Euro(left)} over van het budget.", Rule.Data("remainingCents", left));

        return new Events
        {
            { idea.Id, new ExpenseSubmitted(idea.Id, cmd.ExpenseId, cmd.AmountCents, Text.Clean(cmd.Payee), Text.Clean(cmd.Description, TextKind.Long),
                cmd.ReceiptReference, cmd.SubmittedByHouseholdId, cmd.OnBehalfOfStaffId, now) },
        };
    }
}
