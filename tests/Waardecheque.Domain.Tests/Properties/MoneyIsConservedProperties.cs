using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Waardecheque.Domain.Tests.Properties;

public class MoneyIsConservedProperties(ITestOutputHelper output)
{
    private static readonly Gen<Setup> Setups =
        from value in Gen.Elements(250L, 750L, 1_000L)
        from minHouseholds in Gen.Choose(1, 4)
        from minPledge in Gen.Elements(50L, 100L, 250L)
        from moderation in Gen.Elements(true, false)
        from households in Gen.Choose(4, 12)
        select new Setup(value, minHouseholds, minPledge, moderation, households);

    // Weighted toward what moves money; time passes often enough for deadlines and the close to come.
    private static readonly Gen<Act> Acts = Gen.Frequency(
        (6, Gen.Constant(Act.Activate)), (3, Gen.Constant(Act.Propose)), (4, Gen.Constant(Act.Approve)),
        (1, Gen.Constant(Act.Reject)), (1, Gen.Constant(Act.WithdrawIdea)), (20, Gen.Constant(Act.Pledge)),
        (2, Gen.Constant(Act.WithdrawPledges)), (5, Gen.Constant(Act.Collect)), (1, Gen.Constant(Act.Block)),
        (1, Gen.Constant(Act.Reissue)), (2, Gen.Constant(Act.StartTopUp)), (2, Gen.Constant(Act.PayTopUp)),
        (3, Gen.Constant(Act.SubmitExpense)), (2, Gen.Constant(Act.ApproveExpense)), (1, Gen.Constant(Act.RejectExpense)),
        (1, Gen.Constant(Act.PayExpense)), (2, Gen.Constant(Act.Complete)), (3, Gen.Constant(Act.PassTime)),
        (2, Gen.Constant(Act.DeliverMessages)), (1, Gen.Constant(Act.Close)),
        (1, Gen.Constant(Act.ExpireCheckout)), (3, Gen.Constant(Act.DeliverWebhooks)), (1, Gen.Constant(Act.ReplayWebhook)));

    private static readonly Gen<Step> Steps =
        from act in Acts
        from a in Gen.Choose(0, 1_000)
        from b in Gen.Choose(0, 1_000)
        from c in Gen.Choose(0, 10_000)
        select new Step(act, a, b, c);

    private static readonly Gen<(Setup Setup, Step[] Steps)> Runs =
        from setup in Setups
        from length in Gen.Choose(20, 150)
        from steps in Steps.ArrayOf(length)
        select (setup, steps);

    [Fact]
    public void whatever_residents_staff_the_clock_and_stripe_do_the_money_reconciles_and_no_rule_is_broken()
    {
        Prop.ForAll(Runs.ToArbitrary(), run =>
            {
                new Simulation(run.Setup).Run(run.Steps);
                return true;
            })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(400));

        output.WriteLine(string.Join(", ", Simulation.Seen.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}")));
        output.WriteLine(string.Join(", ", Simulation.Refused.OrderByDescending(s => s.Value).Select(s => $"{s.Key}={s.Value}")));
        // The property must have exercised the interesting paths, or passing it would mean little.
        foreach (var e in new[] { "IdeaFunded", "IdeaCompleted", "IdeaExpired", "IdeaRejected", "IdeaWithdrawn", "PledgeWithdrawn",
                     "ProgramClosed", "CreditForwarded", "ChequeReissued", "TopUpReceived", "TopUpTurnedAway", "TopUpRefunded",
                     "ExpenseApproved", "ExpenseRejected", "ExpensePaid", "PledgesReleased", "TopUpLapsed", "TopUpRefundFailed" })
            Assert.True(Simulation.Seen.GetValueOrDefault(e) > 0,
                $"no run produced {e}; seen: {string.Join(", ", Simulation.Seen.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"))}");
    }
}
