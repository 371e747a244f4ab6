using Waardecheque.Domain.Programs;
using Waardecheque.Messaging;

namespace Waardecheque.Domain.Ideas;

/// <summary>
/// Stripe says a top-up was paid (from a verified webhook). Between checkout and payment the idea may have filled
/// up or closed, so the rules are checked again: a payment that still fits counts (and may fund the idea), one that
/// does not is turned away and refunded. Webhooks come at least once: a second report changes nothing.
/// </summary>
public sealed record RecordTopUpPayment(Guid IdeaId, Guid TopUpId, long AmountCents, string PaymentReference);

public static class RecordTopUpPaymentHandler
{
    public static Events Handle(RecordTopUpPayment cmd, Idea idea, Program program, DateTimeOffset now)
    {
        Rule.Require(idea.TopUps.TryGetValue(cmd.TopUpId, out var topUp), ErrorCodes.NotFound, "Deze inleg is onbekend bij dit idee.");
        var events = new Events();
        if (topUp!.State is not (TopUpState.Started or TopUpState.Expired or TopUpState.Failed)) return events;   // reported before

        // Money for a checkout that had lapsed (Stripe says that cannot happen; if it does, it goes back).
        var refusal = topUp.State == TopUpState.Started ? Refusal(cmd, topUp, idea, program, now) : "De betaling kwam na het verlopen van de inleg.";
        if (refusal is not null)
        {
            events.Add(idea.Id, new TopUpTurnedAway(idea.Id, cmd.TopUpId, cmd.AmountCents, cmd.PaymentReference, refusal, now));
            events.Send(new RefundTopUp(idea.Id, cmd.TopUpId, cmd.AmountCents, cmd.PaymentReference));
            return events;
        }
        var received = new TopUpReceived(idea.Id, cmd.TopUpId, cmd.AmountCents, cmd.PaymentReference, now);
        events.Add(idea.Id, received);
        var after = idea.Apply(received);
        if (PledgeRules.IsFunded(after, program.Rules))
            events.Add(idea.Id, new IdeaFunded(idea.Id, after.TotalCents, after.PledgedCents, after.ToppedUpCents, after.HouseholdCount, now));
        return events;
    }

    private static string? Refusal(RecordTopUpPayment cmd, TopUp topUp, Idea idea, Program program, DateTimeOffset now)
    {
        if (cmd.AmountCents != topUp.AmountCents) return "Het betaalde bedrag wijkt af van de inleg.";
        if (!program.IsOpenAt(now)) return "De regeling is niet meer open.";
        try
        {
            PledgeRules.RequireOpen(idea, now);
            PledgeRules.RequireRoom(idea, program.Rules, cmd.AmountCents, householdId: null);
            return null;
        }
        catch (RuleViolation rule)
        {
            return rule.Message;
        }
    }
}
