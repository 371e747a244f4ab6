using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

public class TopUpsTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();

    private Idea Started(Idea idea, Guid topUpId, long amount) =>
        idea.After(StartTopUpHandler.Handle(new StartTopUp(idea.Id, topUpId, amount), idea, _program, Now));

    [Fact]
    public void a_neighbour_adds_own_money_which_counts_toward_the_target_once_paid()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 300, 300), topUp, 200);
        Assert.Equal(600, idea.TotalCents);

        var events = RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 200, "pi_123"), idea, _program, Now);

        Assert.Equal(800, idea.After(events).TotalCents);
        Assert.Equal(600, idea.After(events).PledgedCents);
    }

    [Fact]
    public void a_top_up_that_completes_the_target_with_enough_households_funds_the_idea()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 300, 300, 300), topUp, 100);

        var events = RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 100, "pi_1"), idea, _program, Now);

        Assert.Single(events.All<IdeaFunded>());
    }

    [Fact]
    public void own_money_cannot_stand_in_for_missing_neighbours()   // P7 for top-ups
    {
        var idea = AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 300);

        var error = Assert.Throws<RuleViolation>(() =>
            StartTopUpHandler.Handle(new StartTopUp(idea.Id, Guid.NewGuid(), 600), idea, _program, Now));

        Assert.Equal(ErrorCodes.NeedsMoreNeighbours, error.Code);
        Assert.Equal(2, error.Details["householdsMissing"]);
    }

    [Fact]
    public void a_top_up_above_the_maximum_per_payment_is_refused()
    {
        var idea = AnIdea.In(_program).WithTarget(100_000).Open();

        var error = Assert.Throws<RuleViolation>(() => StartTopUpHandler.Handle(new StartTopUp(idea.Id, Guid.NewGuid(), 25_001), idea, _program, Now));

        Assert.Equal(ErrorCodes.InvalidAmount, error.Code);
    }

    [Fact]
    public void a_program_without_top_ups_refuses_own_money()
    {
        var program = AProgram.WithRules(r => r with { TopUps = false }).AsOpen();
        var idea = AnIdea.In(program).Open();

        var error = Assert.Throws<RuleViolation>(() => StartTopUpHandler.Handle(new StartTopUp(idea.Id, Guid.NewGuid(), 100), idea, program, Now));

        Assert.Equal(ErrorCodes.TopUpsDisabled, error.Code);
    }

    [Fact]
    public void a_payment_that_arrives_after_neighbours_filled_the_idea_is_turned_away_and_refunded()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open().WithPledges(_program, 300, 300), topUp, 300);
        idea = idea.WithPledges(_program, 400);   // funded meanwhile

        var events = RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 300, "pi_late"), idea, _program, Now);

        Assert.Single(events.All<TopUpTurnedAway>());
        Assert.Equal(new RefundTopUp(idea.Id, topUp, 300, "pi_late"), Assert.Single(events.Messages).Message);
        Assert.Equal(1_000, idea.After(events).TotalCents);
    }

    [Fact]
    public void a_webhook_delivered_twice_counts_the_money_once()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 200);
        idea = idea.After(RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 200, "pi_1"), idea, _program, Now));

        Assert.Empty(RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 200, "pi_1"), idea, _program, Now));
        Assert.Equal(200, idea.ToppedUpCents);
    }

    [Fact]
    public void when_an_idea_expires_its_top_ups_are_refunded_through_stripe()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithDeadline(Now.AddHours(2)).Open(), topUp, 200);
        idea = idea.After(RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 200, "pi_9"), idea, _program, Now));

        var events = ExpireIdeaHandler.Handle(new ExpireIdea(idea.Id), idea, Now.AddHours(2));
        idea = idea.After(events);
        idea = idea.After(RecordTopUpRefundHandler.Handle(new RecordTopUpRefund(idea.Id, topUp, "re_9"), idea, Now.AddHours(3)));

        Assert.Equal(new RefundTopUp(idea.Id, topUp, 200, "pi_9"), Assert.Single(events.Messages).Message);
        Assert.Equal(TopUpState.Refunded, idea.TopUps[topUp].State);
    }

    [Fact]
    public void a_payment_report_for_an_unknown_top_up_is_refused()
    {
        var idea = AnIdea.In(_program).Open();

        var error = Assert.Throws<RuleViolation>(() =>
            RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, Guid.NewGuid(), 100, "pi_x"), idea, _program, Now));

        Assert.Equal(ErrorCodes.NotFound, error.Code);
    }
}
