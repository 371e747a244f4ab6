
namespace Waardecheque.Domain.Ideas;

/// <summary>A connector or admin approves an expense: its money counts as spent.</summary>
public sealed record ApproveExpense(Guid IdeaId, Guid ExpenseId, Guid StaffId);

public sealed record RejectExpense(Guid IdeaId, Guid ExpenseId, Guid StaffId, string Reason);

/// <summary>The approved expense has been paid out, with the bank's payment reference.</summary>
public sealed record MarkExpensePaid(Guid IdeaId, Guid ExpenseId, Guid StaffId, string PaymentReference);

/// <summary>Four eyes: whoever submitted an expense (a connector on behalf) never also decides or pays it.</summary>
public static class DecideExpenseHandler
{
    public const int MaxReason = 2000, MaxReference = 200;

    public static Events Handle(ApproveExpense cmd, Idea idea, DateTimeOffset now)
    {
        var expense = Submitted(idea, cmd.ExpenseId, cmd.StaffId);
        return new Events { { idea.Id, new ExpenseApproved(idea.Id, expense.ExpenseId, expense.AmountCents, cmd.StaffId, now) } };
    }

    public static void Validate(RejectExpense cmd) =>
        new FieldErrors().Text(cmd.Reason, "reason", 1, MaxReason, $"Geef een reden (hoogstens {MaxReason} tekens).", TextKind.Long).ThrowIfAny();

    public static Events Handle(RejectExpense cmd, Idea idea, DateTimeOffset now)
    {
        Validate(cmd);
        var expense = Submitted(idea, cmd.ExpenseId, cmd.StaffId);
        return new Events { { idea.Id, new ExpenseRejected(idea.Id, expense.ExpenseId, expense.AmountCents, Text.Clean(cmd.Reason, TextKind.Long), cmd.StaffId, now) } };
    }

    public static void Validate(MarkExpensePaid cmd) =>
        new FieldErrors().Text(cmd.PaymentReference, "reference", 1, MaxReference,
            $"Geef het betalingskenmerk (hoogstens {MaxReference} tekens).").ThrowIfAny();

    public static Events Handle(MarkExpensePaid cmd, Idea idea, DateTimeOffset now)
    {
        Validate(cmd);
        var expense = Find(idea, cmd.ExpenseId);
        Rule.Require(expense.State == ExpenseState.Approved, ErrorCodes.InvalidState, "Alleen een goedgekeurde uitgave kan betaald worden.");
        Rule.Require(expense.SubmittedByStaffId != cmd.StaffId, ErrorCodes.SamePerson, "Wie een uitgave indiende, betaalt hem niet ook uit.");
        return new Events { { idea.Id, new ExpensePaid(idea.Id, expense.ExpenseId, expense.AmountCents, Text.Clean(cmd.PaymentReference), cmd.StaffId, now) } };
    }

    private static Expense Submitted(Idea idea, Guid expenseId, Guid staffId)
    {
        var expense = Find(idea, expenseId);
        Rule.Require(expense.State == ExpenseState.Submitted, ErrorCodes.InvalidState, "Over deze uitgave is al besloten.");
        Rule.Require(expense.SubmittedByStaffId != staffId, ErrorCodes.SamePerson,
            "Je hebt deze uitgave zelf ingediend; een collega moet hem beoordelen.");
        return expense;
    }

    private static Expense Find(Idea idea, Guid expenseId)
    {
        Rule.Require(idea.Expenses.ContainsKey(expenseId), ErrorCodes.NotFound, "Deze uitgave bestaat niet bij dit idee.");
        return idea.Expenses[expenseId];
    }
}
