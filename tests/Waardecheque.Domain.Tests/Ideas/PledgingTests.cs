using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class PledgingTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();

    private Cheque ANeighbour(long? credit = null) =>
        (credit is { } c ? ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).WithCredit(c) : ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)))
            .In(_program).Activated();

    private RuleViolation Refused(Idea idea, Cheque cheque, long amount) =>
        Assert.Throws<RuleViolation>(() => PledgeHandler.Handle(new Pledge(idea.Id, cheque.Id, amount), idea, cheque, _program, Now));

    [Fact]
    public void a_neighbour_pledges_part_of_her_credit_and_it_moves_from_cheque_to_idea()
    {
        var idea = AnIdea.In(_program).Open();
        var cheque = ANeighbour();

        var events = PledgeHandler.Handle(new Pledge(idea.Id, cheque.Id, 500), idea, cheque, _program, Now);

        Assert.Equal(250, cheque.After(events).AvailableCents);
        Assert.Equal(500, idea.After(events).PledgedCents);
        Assert.Equal(cheque.Id, events.Single(e => e.Data is CreditPledged).StreamId);
        Assert.Equal(idea.Id, events.Single(e => e.Data is PledgeReceived).StreamId);
        Assert.Empty(events.All<IdeaFunded>());
    }

    [Fact]
    public void a_pledge_of_nothing_is_not_an_amount()   // P1
    {
        var error = Assert.Throws<RuleViolation>(() => PledgeHandler.Validate(new Pledge(Guid.NewGuid(), Guid.NewGuid(), 0)));
        Assert.Equal(ErrorCodes.InvalidAmount, error.Code);
        Assert.Equal(ErrorCodes.InvalidAmount, Refused(AnIdea.In(_program).Open(), ANeighbour(), -5).Code);
    }

    [Fact]
    public void a_neighbour_cannot_pledge_less_than_the_minimum_unless_it_is_all_she_has_left()   // P1
    {
        var idea = AnIdea.In(_program).Open();

        Assert.Equal(ErrorCodes.InvalidAmount, Refused(idea, ANeighbour(), 99).Code);
        var lastCents = ANeighbour(credit: 60);
        Assert.Equal(60, idea.Pledged(lastCents, _program, 60).Idea.PledgedCents);
    }

    [Fact]
    public void a_cheque_that_was_never_scanned_cannot_pledge()   // P2
    {
        var idea = AnIdea.In(_program).Open();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Issued();

        Assert.Equal(ErrorCodes.ChequeNotUsable, Refused(idea, cheque, 500).Code);
    }

    [Fact]
    public void a_blocked_or_replaced_cheque_cannot_pledge()   // P2
    {
        var idea = AnIdea.In(_program).Open();

        Assert.Equal(ErrorCodes.ChequeNotUsable, Refused(idea, ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Blocked(), 500).Code);
        Assert.Equal(ErrorCodes.ChequeNotUsable, Refused(idea, ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Reissued(), 500).Code);
    }

    [Fact]
    public void once_the_program_has_closed_a_cheque_has_expired_and_cannot_pledge()   // P2
    {
        var closed = AProgram.Closed();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(closed).Activated();
        var idea = AnIdea.In(closed).Open();

        var error = Assert.Throws<RuleViolation>(() => PledgeHandler.Handle(new Pledge(idea.Id, cheque.Id, 500), idea, cheque, closed, Now));

        Assert.Equal(ErrorCodes.ChequeNotUsable, error.Code);
        Assert.Equal(ChequeState.Expired, cheque.StateIn(closed));
    }

    [Fact]
    public void a_neighbour_cannot_pledge_more_than_is_left_on_her_cheque()   // P3
    {
        var idea = AnIdea.In(_program).Open();

        var error = Refused(idea, ANeighbour(credit: 400), 500);

        Assert.Equal(ErrorCodes.InsufficientCredit, error.Code);
        Assert.Equal(400L, error.Details["availableCents"]);
    }

    [Fact]
    public void an_idea_waiting_for_the_connector_takes_no_pledges_yet()   // P4
    {
        Assert.Equal(ErrorCodes.IdeaNotOpen, Refused(AnIdea.In(_program).Submitted(), ANeighbour(), 500).Code);
    }

    [Fact]
    public void an_idea_whose_deadline_has_passed_takes_no_pledges_even_before_it_is_expired()   // P4
    {
        var idea = AnIdea.In(_program).WithDeadline(Now).Open();

        Assert.Equal(ErrorCodes.IdeaNotOpen, Refused(idea, ANeighbour(), 500).Code);
    }

    [Fact]
    public void a_household_from_another_buurt_is_not_a_neighbour()   // P5
    {
        var idea = AnIdea.In(_program).ForBuurt(Buurten.Tuinen).Open();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Vaarten)).In(_program).Activated();

        Assert.Equal(ErrorCodes.NotANeighbour, Refused(idea, cheque, 500).Code);
    }

    [Fact]
    public void a_cheque_of_another_program_is_never_a_neighbour()   // P5
    {
        var idea = AnIdea.In(_program).Open();
        var stranger = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(AProgram.Open()).Activated();

        Assert.Equal(ErrorCodes.NotANeighbour, Refused(idea, stranger, 300).Code);
    }

    [Fact]
    public void a_street_idea_is_only_for_that_street_but_spelling_and_case_do_not_matter()   // P5
    {
        var idea = AnIdea.In(_program).ForStreet("Dorpsstraat").Open();
        var roundTheCorner = ACheque.Of(AHousehold.InStreet("Kerkstraat")).In(_program).Activated();
        var sameStreet = ACheque.Of(AHousehold.InStreet(" dorpsstraat ")).In(_program).Activated();

        Assert.Equal(ErrorCodes.NotANeighbour, Refused(idea, roundTheCorner, 500).Code);
        Assert.Equal(500, idea.Pledged(sameStreet, _program, 500).Idea.PledgedCents);
    }

    [Fact]
    public void a_pledge_that_would_overshoot_the_target_is_refused_and_says_how_much_is_still_needed()   // P6
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 400, 400);

        var error = Refused(idea, ANeighbour(), 300);

        Assert.Equal(ErrorCodes.TargetExceeded, error.Code);
        Assert.Equal(200L, error.Details["stillNeededCents"]);
    }

    [Fact]
    public void nobody_can_fill_an_idea_alone()   // P7
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).Open();
        var rich = ANeighbour(credit: 1_000);

        var error = Refused(idea, rich, 900);

        Assert.Equal(ErrorCodes.NeedsMoreNeighbours, error.Code);
        Assert.Equal(2, error.Details["householdsMissing"]);
        Assert.Equal(800L, error.Details["maxAmountCents"]);
        Assert.Equal(800, idea.Pledged(rich, _program, 800).Idea.PledgedCents);   // exactly the room P7 leaves
    }

    [Fact]
    public void the_last_household_cannot_leave_too_little_for_the_households_still_missing()   // P7
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 500);

        Assert.Equal(ErrorCodes.NeedsMoreNeighbours, Refused(idea, ANeighbour(), 450).Code);
        Assert.Equal(900, idea.Pledged(ANeighbour(), _program, 400).Idea.PledgedCents);
    }

    [Fact]
    public void the_initiators_household_may_pledge_and_counts_once_however_often_it_pledges()   // P8
    {
        var initiator = ANeighbour();
        var idea = AnIdea.In(_program).WithTarget(1_000).ProposedBy(initiator).Open();

        (idea, initiator) = idea.Pledged(initiator, _program, 200);
        (idea, _) = idea.Pledged(initiator, _program, 200);

        Assert.Equal(1, idea.HouseholdCount);
        Assert.Equal(400, idea.PledgedCents);
    }

    [Fact]
    public void the_pledge_that_completes_the_target_with_enough_households_funds_the_idea_at_once()
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 400, 400);

        var last = ANeighbour();

        var events = PledgeHandler.Handle(new Pledge(idea.Id, last.Id, 200), idea, last, _program, Now);

        var funded = events.One<IdeaFunded>();
        Assert.Equal((1_000L, 3), (funded.TotalCents, funded.Households));
        Assert.Equal(IdeaState.Funded, idea.After(events).State);
    }

    [Fact]
    public void a_connector_pledging_at_the_walk_in_point_is_recorded_on_both_streams()
    {
        var connector = Guid.NewGuid();
        var idea = AnIdea.In(_program).Open();
        var cheque = ANeighbour();

        var events = PledgeHandler.Handle(new Pledge(idea.Id, cheque.Id, 300, connector), idea, cheque, _program, Now);

        Assert.Equal(connector, events.One<CreditPledged>().OnBehalfOfStaffId);
        Assert.Equal(connector, events.One<PledgeReceived>().OnBehalfOfStaffId);
        Assert.Equal(cheque.HouseholdId, events.One<PledgeReceived>().HouseholdId);
    }
}
