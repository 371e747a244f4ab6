using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class ProposingTests
{
    private static readonly DateTimeOffset Now = Clock.Now;

    private static ProposeIdea ABench(Cheque by, Scope? scope = null, long target = 1_000, DateTimeOffset? deadline = null, string title = "Bankje bij de speeltuin") =>
        new(Guid.NewGuid(), by.Id, title, "Een bankje voor iedereen.", scope ?? Scope.ForBuurt(by.BuurtCode), target, deadline ?? Now.AddDays(14));

    [Fact]
    public void a_resident_proposes_an_idea_for_her_buurt_and_it_waits_for_the_connector()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(program).Activated();

        var events = ProposeIdeaHandler.Handle(ABench(cheque), cheque, program, Now);

        var proposed = events.One<IdeaProposed>();
        Assert.Equal((cheque.Id, cheque.HouseholdId), (proposed.InitiatorChequeId, proposed.InitiatorHouseholdId));
        Assert.Equal(typeof(Idea), events.Single().NewStreamType);
        Assert.Empty(events.Messages);
        Assert.Equal(IdeaState.Submitted, Idea.Create(proposed).State);
    }

    [Fact]
    public void without_moderation_a_proposed_idea_is_open_at_once_and_will_expire_at_its_deadline()
    {
        var program = AProgram.WithRules(r => r with { Moderation = false }).AsOpen();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(program).Activated();
        var command = ABench(cheque);

        var events = ProposeIdeaHandler.Handle(command, cheque, program, Now);

        var idea = events.Aggregate((Idea?)null, (i, e) => AggregateFold.Next(i, e.Data))!;
        Assert.Equal(IdeaState.Open, idea.State);
        Assert.Null(events.One<IdeaApproved>().ApprovedByStaffId);
        var expiry = Assert.Single(events.Messages);
        Assert.Equal((new ExpireIdea(command.IdeaId), (DateTimeOffset?)command.Deadline), (expiry.Message, expiry.DueAt));
    }

    [Fact]
    public void a_resident_cannot_propose_an_idea_for_another_street()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Of(AHousehold.InStreet("Kerkstraat")).In(program).Activated();

        var error = Assert.Throws<RuleViolation>(() =>
            ProposeIdeaHandler.Handle(ABench(cheque, Scope.ForStreet(cheque.BuurtCode, "Dorpsstraat")), cheque, program, Now));

        Assert.Equal(ErrorCodes.NotANeighbour, error.Code);
    }

    [Fact]
    public void a_proposal_with_a_two_letter_title_a_target_too_big_and_a_deadline_after_closing_lists_every_field()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(program).Activated();

        var titleError = Assert.Throws<RuleViolation>(() => ProposeIdeaHandler.Handle(ABench(cheque, title: "Ok"), cheque, program, Now));
        var ruleErrors = Assert.Throws<RuleViolation>(() =>
            ProposeIdeaHandler.Handle(ABench(cheque, target: 150_001, deadline: program.ClosesAt.AddDays(1)), cheque, program, Now));

        Assert.Equal(ErrorCodes.ValidationFailed, titleError.Code);
        Assert.Contains("title", titleError.FieldErrors.Keys);
        Assert.Equal(ErrorCodes.ValidationFailed, ruleErrors.Code);
        Assert.Equal(["deadline", "targetCents"], ruleErrors.FieldErrors.Keys.Order());
    }

    [Fact]
    public void an_idea_smaller_than_the_minimum_households_times_the_minimum_pledge_is_refused()
    {
        var program = AProgram.Open();   // 3 households x 100 cents
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(program).Activated();

        var error = Assert.Throws<RuleViolation>(() => ProposeIdeaHandler.Handle(ABench(cheque, target: 299), cheque, program, Now));

        Assert.Contains("targetCents", error.FieldErrors.Keys);
        Assert.Single(ProposeIdeaHandler.Handle(ABench(cheque, target: 300), cheque, program, Now));
    }

    [Fact]
    public void a_resident_whose_cheque_is_not_activated_cannot_propose()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(program).Issued();

        Assert.Equal(ErrorCodes.ChequeNotUsable,
            Assert.Throws<RuleViolation>(() => ProposeIdeaHandler.Handle(ABench(cheque), cheque, program, Now)).Code);
    }
}
