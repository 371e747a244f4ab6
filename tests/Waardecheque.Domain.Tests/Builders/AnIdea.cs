using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary>
/// <c>AnIdea.In(program).ForBuurt(Buurten.Tuinen).WithTarget(1_000).Open()</c>. Pledges are added through the real
/// handler (<see cref="Scenario.Pledged"/>) so an idea in a test never holds money the rules would have refused.
/// </summary>
public sealed record AnIdea(Program Program, Scope Scope, long TargetCents, DateTimeOffset Deadline, Guid InitiatorChequeId, Guid InitiatorHouseholdId)
{
    public static AnIdea In(Program program) =>
        new(program, Scope.ForBuurt(Buurten.Tuinen.Code), 1_000, Clock.Now.AddDays(14), Guid.NewGuid(), Guid.NewGuid());

    public AnIdea ForBuurt(Buurt buurt) => this with { Scope = Scope.ForBuurt(buurt.Code) };
    public AnIdea ForStreet(string street, Buurt? buurt = null) => this with { Scope = Scope.ForStreet((buurt ?? Buurten.Tuinen).Code, street) };
    public AnIdea WithTarget(long cents) => this with { TargetCents = cents };
    public AnIdea WithDeadline(DateTimeOffset deadline) => this with { Deadline = deadline };
    public AnIdea ProposedBy(Cheque cheque) => this with { InitiatorChequeId = cheque.Id, InitiatorHouseholdId = cheque.HouseholdId };

    public Idea Submitted()
    {
        var id = Guid.NewGuid();
        return Idea.Create(new IdeaProposed(id, Program.Id, "Bankje bij de speeltuin", "Een bankje voor iedereen.", Scope, TargetCents,
            Deadline, InitiatorChequeId, InitiatorHouseholdId, Clock.Now.AddDays(-2)));
    }

    public Idea Open()
    {
        var idea = Submitted();
        return idea.Apply(new IdeaApproved(idea.Id, Guid.NewGuid(), Clock.Now.AddDays(-1)));
    }
}
