
namespace Waardecheque.Domain.Ideas;

/// <summary>A connector or admin closes the books of a funded idea; what was not spent is returned.</summary>
public sealed record CompleteIdea(Guid IdeaId, Guid StaffId);

public static class CompleteIdeaHandler
{
    public static Events Handle(CompleteIdea cmd, Idea idea, DateTimeOffset now)
    {
        Rule.Require(idea.State == IdeaState.Funded, ErrorCodes.InvalidState, "Alleen een gefinancierd idee kan afgerond worden.");
        var pending = idea.Expenses.Values.Count(x => x.State == ExpenseState.Submitted);
        Rule.Require(pending == 0, ErrorCodes.ExpensesPending, $"Beoordeel eerst de {pending} ingediende uitgave(n).",
            Rule.Data("pendingExpenses", pending));
        var spent = idea.SpentCents;
        return new Events { { idea.Id, new IdeaCompleted(idea.Id, idea.BudgetCents, spent, idea.BudgetCents - spent, cmd.StaffId, now) } };
    }
}
