using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class WithdrawingPledgesTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();

    private Cheque ANeighbour() => ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Activated();

    [Fact]
    public void a_household_takes_back_everything_it_pledged_to_an_open_idea()
    {
        var (idea, cheque) = AnIdea.In(_program).Open().Pledged(ANeighbour(), _program, 200);
        (idea, cheque) = idea.Pledged(cheque, _program, 300);

        var events = WithdrawPledgesHandler.Handle(new WithdrawPledges(idea.Id, cheque.Id), idea, cheque, _program, Now);

        Assert.Equal(750, cheque.After(events).AvailableCents);
        Assert.Equal(0, idea.After(events).PledgedCents);
        Assert.Equal(0, idea.After(events).HouseholdCount);
        Assert.Equal(ReleaseReason.Withdrawn, events.One<CreditReleased>().Reason);
    }

    [Fact]
    public void pledges_to_a_funded_idea_are_committed_and_cannot_be_taken_back()
    {
        var cheque = ANeighbour();
        var (idea, after) = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 400, 400).Pledged(cheque, _program, 200);
        Assert.Equal(IdeaState.Funded, idea.State);

        var error = Assert.Throws<RuleViolation>(() =>
            WithdrawPledgesHandler.Handle(new WithdrawPledges(idea.Id, after.Id), idea, after, _program, Now));

        Assert.Equal(ErrorCodes.IdeaNotOpen, error.Code);
    }

    [Fact]
    public void a_household_that_pledged_nothing_has_nothing_to_withdraw()
    {
        var idea = AnIdea.In(_program).Open().WithPledges(_program, 300);
        var cheque = ANeighbour();

        var error = Assert.Throws<RuleViolation>(() =>
            WithdrawPledgesHandler.Handle(new WithdrawPledges(idea.Id, cheque.Id), idea, cheque, _program, Now));

        Assert.Equal(ErrorCodes.NoPledge, error.Code);
    }

    [Fact]
    public void after_a_reissue_the_household_withdraws_with_its_new_cheque_and_the_credit_lands_there()
    {
        var household = AHousehold.InBuurt(Buurten.Tuinen);
        var (idea, old) = AnIdea.In(_program).Open().Pledged(ACheque.Of(household).In(_program).Activated(), _program, 300);
        var replacement = ACheque.Of(household).WithCredit(old.AvailableCents).In(_program).Activated();

        var events = WithdrawPledgesHandler.Handle(new WithdrawPledges(idea.Id, replacement.Id), idea, replacement, _program, Now);

        Assert.Equal(750, replacement.After(events).AvailableCents);
        Assert.Equal(0, idea.After(events).PledgedCents);
    }
}
