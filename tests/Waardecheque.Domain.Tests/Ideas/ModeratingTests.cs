using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class ModeratingTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();
    private readonly Guid _connector = Guid.NewGuid();

    [Fact]
    public void the_connector_approves_a_proposed_idea_which_opens_and_is_scheduled_to_expire_at_its_deadline()
    {
        var idea = AnIdea.In(_program).Submitted();

        var events = ApproveIdeaHandler.Handle(new ApproveIdea(idea.Id, _connector), idea, _program, Now);

        Assert.Equal(IdeaState.Open, idea.After(events).State);
        Assert.Equal(_connector, events.One<IdeaApproved>().ApprovedByStaffId);
        Assert.Equal(idea.Deadline, Assert.Single(events.Messages).DueAt);
    }

    [Fact]
    public void an_idea_that_is_already_open_cannot_be_approved_again()
    {
        var idea = AnIdea.In(_program).Open();

        var error = Assert.Throws<RuleViolation>(() => ApproveIdeaHandler.Handle(new ApproveIdea(idea.Id, _connector), idea, _program, Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
    }

    [Fact]
    public void rejecting_an_open_idea_gives_every_neighbour_their_pledge_back()
    {
        var idea = AnIdea.In(_program).Open().WithPledges(_program, 300, 200);

        var events = RejectIdeaHandler.Handle(new RejectIdea(idea.Id, _connector, "Past niet in de regeling"), idea, Now);

        var releases = events.All<CreditReleased>().ToList();
        Assert.Equal(2, releases.Count);
        Assert.Equal([200L, 300L], releases.Select(r => r.AmountCents).Order());
        Assert.All(events.Where(e => e.Data is CreditReleased), e => Assert.Equal(((CreditReleased)e.Data).ChequeId, e.StreamId));
        Assert.Equal(500, events.One<PledgesReleased>().PledgedCents);
        var after = idea.After(events);
        Assert.Equal((IdeaState.Rejected, 0L), (after.State, after.PledgedCents));
        Assert.Equal(2, events.Messages.Count(m => m.Message is ForwardReleasedCredit));
    }

    [Fact]
    public void a_rejection_needs_a_reason_the_resident_can_read()
    {
        var idea = AnIdea.In(_program).Submitted();

        var error = Assert.Throws<RuleViolation>(() => RejectIdeaHandler.Handle(new RejectIdea(idea.Id, _connector, " "), idea, Now));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("reason", error.FieldErrors.Keys);
    }

    [Fact]
    public void the_initiator_withdraws_her_idea_and_the_pledges_go_back()
    {
        var initiator = ACheque.Of(AHousehold.InBuurt(Buurten.Tuinen)).In(_program).Activated();
        var idea = AnIdea.In(_program).ProposedBy(initiator).Open().WithPledges(_program, 400);

        var events = WithdrawIdeaHandler.Handle(new WithdrawIdea(idea.Id, ByHouseholdId: initiator.HouseholdId), idea, Now);

        Assert.Equal(IdeaState.Withdrawn, idea.After(events).State);
        Assert.Equal(400, events.One<CreditReleased>().AmountCents);
    }

    [Fact]
    public void a_neighbour_cannot_withdraw_somebody_elses_idea()
    {
        var idea = AnIdea.In(_program).Open();

        var error = Assert.Throws<RuleViolation>(() =>
            WithdrawIdeaHandler.Handle(new WithdrawIdea(idea.Id, ByHouseholdId: Guid.NewGuid()), idea, Now));

        Assert.Equal(ErrorCodes.NotInitiator, error.Code);
    }

    [Fact]
    public void a_funded_idea_cannot_be_withdrawn()
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 400, 400, 200);

        var error = Assert.Throws<RuleViolation>(() => WithdrawIdeaHandler.Handle(new WithdrawIdea(idea.Id, ByStaffId: _connector), idea, Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
    }

    [Fact]
    public void at_its_deadline_an_unfunded_idea_expires_and_every_pledge_goes_back()
    {
        var idea = AnIdea.In(_program).WithDeadline(Now).Open().WithPledgesBefore(_program, 300);

        var events = ExpireIdeaHandler.Handle(new ExpireIdea(idea.Id), idea, Now);

        Assert.Equal(IdeaState.Expired, idea.After(events).State);
        Assert.Equal(ReleaseReason.Expired, events.One<CreditReleased>().Reason);
    }

    [Fact]
    public void an_expiry_message_that_comes_late_for_a_funded_idea_or_twice_does_nothing()
    {
        var funded = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 400, 400, 200);
        var expired = AnIdea.In(_program).WithDeadline(Now).Open();
        expired = expired.After(ExpireIdeaHandler.Handle(new ExpireIdea(expired.Id), expired, Now));

        Assert.Empty(ExpireIdeaHandler.Handle(new ExpireIdea(funded.Id), funded, Now.AddDays(30)));
        var twice = ExpireIdeaHandler.Handle(new ExpireIdea(expired.Id), expired, Now.AddDays(1));
        Assert.Empty(twice);
        Assert.Empty(twice.Messages);
    }

    [Fact]
    public void an_expiry_message_delivered_early_asks_again_at_the_deadline()
    {
        var idea = AnIdea.In(_program).WithDeadline(Now.AddHours(1)).Open();

        var events = ExpireIdeaHandler.Handle(new ExpireIdea(idea.Id), idea, Now);

        Assert.Empty(events);
        Assert.Equal(idea.Deadline, Assert.Single(events.Messages).DueAt);
    }
}
