using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class CollectingChequesTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();
    private readonly Cheque _initiator;
    private readonly Idea _idea;

    public CollectingChequesTests()
    {
        _initiator = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Activated();
        _idea = AnIdea.In(_program).WithTarget(1_000).ProposedBy(_initiator).Open();
    }

    private Cheque APaperCheque(long? credit = null) =>
        (credit is { } c ? ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).WithCredit(c) : ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)))
            .In(_program).Issued();

    private Events Collect(Idea idea, Cheque cheque) =>
        CollectChequeHandler.Handle(new CollectCheque(idea.Id, cheque.Id, _initiator.HouseholdId), idea, cheque, _program, Now);

    [Fact]
    public void the_initiator_scans_a_neighbours_unused_paper_cheque_which_activates_it_and_pledges_all_of_it()
    {
        var paper = APaperCheque();

        var events = Collect(_idea, paper);

        var after = paper.After(events);
        Assert.Equal(ChequeState.Activated, after.State);
        Assert.Equal(0, after.AvailableCents);
        Assert.Equal(750, events.One<PledgeReceived>().AmountCents);
        Assert.Equal(_initiator.HouseholdId, events.One<ChequeActivated>().CollectedByHouseholdId);
    }

    [Fact]
    public void when_the_whole_cheque_does_not_fit_the_largest_amount_the_rules_allow_is_pledged_and_the_rest_stays()
    {
        var idea = _idea.After(Collect(_idea, APaperCheque()));   // 750 of 1,000; two more households needed
        var second = APaperCheque();

        var events = Collect(idea, second);

        // 250 still needed and one more household after this one: this one may give 150, leaving 100 for the last.
        Assert.Equal(150, events.One<PledgeReceived>().AmountCents);
        Assert.Equal(600, second.After(events).AvailableCents);
    }

    [Fact]
    public void the_third_scanned_cheque_completes_the_idea_and_funds_it()
    {
        var idea = _idea.After(Collect(_idea, APaperCheque()));
        idea = idea.After(Collect(idea, APaperCheque()));

        var events = Collect(idea, APaperCheque());

        Assert.Equal(100, events.One<PledgeReceived>().AmountCents);
        Assert.Single(events.All<IdeaFunded>());
    }

    [Fact]
    public void a_small_remaining_credit_is_pledged_whole_even_below_the_minimum()
    {
        var events = Collect(_idea, APaperCheque(credit: 40));

        Assert.Equal(40, events.One<PledgeReceived>().AmountCents);
    }

    [Fact]
    public void when_no_amount_fits_the_scan_is_refused_with_what_the_idea_still_needs()
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).ProposedBy(_initiator).Open().WithPledges(_program, 500, 400);
        (idea, _) = idea.Pledged(ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).WithCredit(50).In(_program).Activated(), _program, 50);
        // 50 still needed: less than the minimum pledge and less than the paper cheque's 750.
        var paper = APaperCheque();

        var error = Assert.Throws<RuleViolation>(() => Collect(idea, paper));

        Assert.Equal(ErrorCodes.TargetExceeded, error.Code);
        Assert.Equal(50L, error.Details["stillNeededCents"]);
    }

    [Fact]
    public void only_the_initiator_may_collect_cheques_for_an_idea()
    {
        var neighbour = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Activated();

        var error = Assert.Throws<RuleViolation>(() =>
            CollectChequeHandler.Handle(new CollectCheque(_idea.Id, APaperCheque().Id, neighbour.HouseholdId), _idea, APaperCheque(), _program, Now));

        Assert.Equal(ErrorCodes.NotInitiator, error.Code);
    }

    [Fact]
    public void an_empty_cheque_has_nothing_to_collect()
    {
        var empty = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).WithCredit(0).In(_program).Activated();

        Assert.Equal(ErrorCodes.InsufficientCredit, Assert.Throws<RuleViolation>(() => Collect(_idea, empty)).Code);
    }

    [Fact]
    public void a_blocked_paper_cheque_cannot_be_collected()
    {
        var blocked = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Blocked();

        Assert.Equal(ErrorCodes.ChequeNotUsable, Assert.Throws<RuleViolation>(() => Collect(_idea, blocked)).Code);
    }
}
