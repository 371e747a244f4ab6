using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class ExpensesTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();
    private readonly Cheque _initiator;
    private readonly Idea _funded;
    private readonly Guid _connector = Guid.NewGuid();
    private readonly Guid _colleague = Guid.NewGuid();

    public ExpensesTests()
    {
        _initiator = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Activated();
        _funded = AnIdea.In(_program).WithTarget(1_000).ProposedBy(_initiator).Open().WithPledges(_program, 400, 400, 200);
    }

    private SubmitExpense AReceipt(long amount, Guid? onBehalfOf = null) =>
        new(_funded.Id, Guid.NewGuid(), _initiator.HouseholdId, amount, "Bouwmarkt Zoetermeer", "Planken en schroeven", "receipts/1.jpg", onBehalfOf);

    private (Idea Idea, Guid ExpenseId) Submitted(Idea idea, long amount, Guid? onBehalfOf = null)
    {
        var command = AReceipt(amount, onBehalfOf) with { IdeaId = idea.Id };
        return (idea.After(SubmitExpenseHandler.Handle(command, idea, Now)), command.ExpenseId);
    }

    [Fact]
    public void the_initiator_accounts_for_a_purchase_and_a_connector_approves_and_pays_it()
    {
        var (idea, expense) = Submitted(_funded, 600);

        idea = idea.After(DecideExpenseHandler.Handle(new ApproveExpense(idea.Id, expense, _connector), idea, Now));
        idea = idea.After(DecideExpenseHandler.Handle(new MarkExpensePaid(idea.Id, expense, _connector, "NL12BANK-2026-0001"), idea, Now));

        Assert.Equal(ExpenseState.Paid, idea.Expenses[expense].State);
        Assert.Equal(600, idea.SpentCents);
    }

    [Fact]
    public void expenses_together_never_exceed_the_budget()
    {
        var (idea, _) = Submitted(_funded, 600);

        var error = Assert.Throws<RuleViolation>(() => SubmitExpenseHandler.Handle(AReceipt(401), idea, Now));

        Assert.Equal(ErrorCodes.OverBudget, error.Code);
        Assert.Equal(400L, error.Details["remainingCents"]);
    }

    [Fact]
    public void a_rejected_expense_frees_its_part_of_the_budget_again()
    {
        var (idea, expense) = Submitted(_funded, 600);
        idea = idea.After(DecideExpenseHandler.Handle(new RejectExpense(idea.Id, expense, _connector, "Geen bon"), idea, Now));

        Assert.Single(SubmitExpenseHandler.Handle(AReceipt(1_000), idea, Now));
    }

    [Fact]
    public void a_connector_who_submitted_an_expense_for_the_initiator_cannot_approve_it_herself()
    {
        var (idea, expense) = Submitted(_funded, 300, onBehalfOf: _connector);

        var error = Assert.Throws<RuleViolation>(() => DecideExpenseHandler.Handle(new ApproveExpense(idea.Id, expense, _connector), idea, Now));

        Assert.Equal(ErrorCodes.SamePerson, error.Code);
        Assert.Single(DecideExpenseHandler.Handle(new ApproveExpense(idea.Id, expense, _colleague), idea, Now));
    }

    [Fact]
    public void only_the_initiator_submits_expenses()
    {
        var neighbour = AReceipt(100) with { SubmittedByHouseholdId = Guid.NewGuid() };

        Assert.Equal(ErrorCodes.NotInitiator, Assert.Throws<RuleViolation>(() => SubmitExpenseHandler.Handle(neighbour, _funded, Now)).Code);
    }

    [Fact]
    public void an_expense_of_nothing_is_refused()
    {
        Assert.Equal(ErrorCodes.InvalidAmount, Assert.Throws<RuleViolation>(() => SubmitExpenseHandler.Handle(AReceipt(0), _funded, Now)).Code);
    }

    [Fact]
    public void an_idea_that_is_still_collecting_has_no_budget_to_spend()
    {
        var open = AnIdea.In(_program).ProposedBy(_initiator).Open();

        var error = Assert.Throws<RuleViolation>(() => SubmitExpenseHandler.Handle(AReceipt(100) with { IdeaId = open.Id }, open, Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
    }

    [Fact]
    public void an_expense_is_paid_only_after_approval()
    {
        var (idea, expense) = Submitted(_funded, 300);

        var error = Assert.Throws<RuleViolation>(() => DecideExpenseHandler.Handle(new MarkExpensePaid(idea.Id, expense, _connector, "ref"), idea, Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
    }

    [Fact]
    public void an_expense_the_idea_does_not_know_cannot_be_approved()
    {
        var error = Assert.Throws<RuleViolation>(() => DecideExpenseHandler.Handle(new ApproveExpense(_funded.Id, Guid.NewGuid(), _connector), _funded, Now));

        Assert.Equal(ErrorCodes.NotFound, error.Code);
    }

    [Fact]
    public void completing_an_idea_returns_what_was_not_spent()
    {
        var (idea, expense) = Submitted(_funded, 650);
        idea = idea.After(DecideExpenseHandler.Handle(new ApproveExpense(idea.Id, expense, _connector), idea, Now));

        var completed = CompleteIdeaHandler.Handle(new CompleteIdea(idea.Id, _connector), idea, Now).One<IdeaCompleted>();

        Assert.Equal((1_000L, 650L, 350L), (completed.BudgetCents, completed.SpentCents, completed.ReturnedCents));
    }

    [Fact]
    public void an_idea_cannot_be_completed_while_an_expense_waits_for_a_decision()
    {
        var (idea, _) = Submitted(_funded, 100);

        var error = Assert.Throws<RuleViolation>(() => CompleteIdeaHandler.Handle(new CompleteIdea(idea.Id, _connector), idea, Now));

        Assert.Equal(ErrorCodes.ExpensesPending, error.Code);
    }
}
