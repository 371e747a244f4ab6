using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Ideas;

/// <summary>What happens to a top-up after it started: retried starts, checkouts that lapse, refunds that fail and are tried again.</summary>
public class TopUpLifeTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();

    private Idea Started(Idea idea, Guid topUpId, long amount) =>
        idea.After(StartTopUpHandler.Handle(new StartTopUp(idea.Id, topUpId, amount), idea, _program, Now));

    private Idea Paid(Idea idea, Guid topUpId, long amount, string payment = "pi_1") =>
        idea.After(RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUpId, amount, payment), idea, _program, Now));

    private static Idea Withdrawn(Idea idea) =>
        idea.After(WithdrawIdeaHandlerFor(idea));

    private static Messaging.Events WithdrawIdeaHandlerFor(Idea idea)
    {
        var events = new Messaging.Events();
        Release.AllOf(idea, new IdeaWithdrawn(idea.Id, idea.InitiatorHouseholdId, null, Now), ReleaseReason.IdeaWithdrawn, Now, events);
        return events;
    }

    [Fact]
    public void a_start_retried_with_the_same_key_records_nothing_new_even_when_the_idea_filled_up_meanwhile()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300).WithPledges(_program, 300, 300, 400);

        Assert.Empty(StartTopUpHandler.Handle(new StartTopUp(idea.Id, topUp, 300), idea, _program, Now));
    }

    [Fact]
    public void the_same_top_up_started_again_with_another_amount_is_refused()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300);

        var error = Assert.Throws<RuleViolation>(() => StartTopUpHandler.Handle(new StartTopUp(idea.Id, topUp, 400), idea, _program, Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
    }

    [Fact]
    public void a_start_records_whose_top_up_it_is()
    {
        var (cheque, household) = (Guid.NewGuid(), Guid.NewGuid());
        var idea = AnIdea.In(_program).WithTarget(1_000).Open();

        var started = Assert.Single(StartTopUpHandler.Handle(new StartTopUp(idea.Id, Guid.NewGuid(), 200, cheque, household), idea, _program, Now)
            .All<TopUpStarted>());

        Assert.Equal((cheque, household), (started.ChequeId, started.HouseholdId));
    }

    [Fact]
    public void a_checkout_that_expires_unpaid_lapses_and_never_counts()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300);

        idea = idea.After(RecordTopUpLapseHandler.Handle(new RecordTopUpLapse(idea.Id, topUp, TopUpLapse.Expired), idea, Now));

        Assert.Equal(TopUpState.Expired, idea.TopUps[topUp].State);
        Assert.Equal(0, idea.TotalCents);
    }

    [Fact]
    public void an_expiry_reported_after_the_payment_leaves_the_money_counted()
    {
        var topUp = Guid.NewGuid();
        var idea = Paid(Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300), topUp, 300);

        Assert.Empty(RecordTopUpLapseHandler.Handle(new RecordTopUpLapse(idea.Id, topUp, TopUpLapse.Failed), idea, Now));
        Assert.Equal(300, idea.ToppedUpCents);
    }

    [Fact]
    public void a_payment_reported_after_the_checkout_lapsed_is_turned_away_and_refunded()
    {
        var topUp = Guid.NewGuid();
        var idea = Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300);
        idea = idea.After(RecordTopUpLapseHandler.Handle(new RecordTopUpLapse(idea.Id, topUp, TopUpLapse.Failed), idea, Now));

        var events = RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(idea.Id, topUp, 300, "pi_odd"), idea, _program, Now);

        // A lapsed top-up is not waiting for money: whatever arrives is not credited, and goes back.
        Assert.Empty(events.All<TopUpReceived>());
        Assert.Single(events.All<TopUpTurnedAway>());
        Assert.Equal(new RefundTopUp(idea.Id, topUp, 300, "pi_odd"), Assert.Single(events.Messages).Message);
    }

    [Fact]
    public void a_lapse_of_an_unknown_top_up_is_refused()
    {
        var idea = AnIdea.In(_program).Open();

        var error = Assert.Throws<RuleViolation>(() =>
            RecordTopUpLapseHandler.Handle(new RecordTopUpLapse(idea.Id, Guid.NewGuid(), TopUpLapse.Expired), idea, Now));

        Assert.Equal(ErrorCodes.NotFound, error.Code);
    }

    [Fact]
    public void a_failed_refund_is_tried_again_later_with_a_new_idempotency_key()
    {
        var topUp = Guid.NewGuid();
        var idea = Withdrawn(Paid(Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300), topUp, 300, "pi_7"));
        var firstKey = RefundKeys.For(idea.TopUps[topUp]);

        var events = RecordTopUpRefundFailureHandler.Handle(new RecordTopUpRefundFailure(idea.Id, topUp, "re_1"), idea, Now);
        idea = idea.After(events);

        var retry = Assert.Single(events.Messages);
        Assert.Equal(new RefundTopUp(idea.Id, topUp, 300, "pi_7"), retry.Message);
        Assert.True(retry.DueAt > Now);
        Assert.NotEqual(firstKey, RefundKeys.For(idea.TopUps[topUp]));
        Assert.Equal(TopUpState.RefundDue, idea.TopUps[topUp].State);
    }

    [Fact]
    public void the_same_failed_refund_reported_twice_is_tried_again_once()
    {
        var topUp = Guid.NewGuid();
        var idea = Withdrawn(Paid(Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300), topUp, 300));
        idea = idea.After(RecordTopUpRefundFailureHandler.Handle(new RecordTopUpRefundFailure(idea.Id, topUp, "re_1"), idea, Now));

        Assert.Empty(RecordTopUpRefundFailureHandler.Handle(new RecordTopUpRefundFailure(idea.Id, topUp, "re_1"), idea, Now));
    }

    [Fact]
    public void a_failure_reported_after_the_refund_succeeded_changes_nothing()
    {
        var topUp = Guid.NewGuid();
        var idea = Withdrawn(Paid(Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300), topUp, 300));
        idea = idea.After(RecordTopUpRefundHandler.Handle(new RecordTopUpRefund(idea.Id, topUp, "re_2"), idea, Now));

        Assert.Empty(RecordTopUpRefundFailureHandler.Handle(new RecordTopUpRefundFailure(idea.Id, topUp, "re_1"), idea, Now));
        Assert.Empty(RecordTopUpRefundHandler.Handle(new RecordTopUpRefund(idea.Id, topUp, "re_2"), idea, Now));
    }

    [Fact]
    public void money_that_counts_toward_an_open_idea_is_not_refunded()
    {
        var topUp = Guid.NewGuid();
        var idea = Paid(Started(AnIdea.In(_program).WithTarget(1_000).Open(), topUp, 300), topUp, 300);

        var error = Assert.Throws<RuleViolation>(() => RecordTopUpRefundHandler.Handle(new RecordTopUpRefund(idea.Id, topUp, "re_x"), idea, Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
        Assert.Empty(RecordTopUpRefundFailureHandler.Handle(new RecordTopUpRefundFailure(idea.Id, topUp, "re_x"), idea, Now));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 15)]
    [InlineData(3, 45)]
    [InlineData(20, 3600)]
    public void each_retry_of_a_refund_waits_longer_up_to_an_hour(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RecordTopUpRefundFailureHandler.RetryAfter(failures));
}
