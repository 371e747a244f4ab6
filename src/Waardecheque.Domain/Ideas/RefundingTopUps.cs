
namespace Waardecheque.Domain.Ideas;

/// <summary>Stripe confirmed the refund of a top-up (one turned away, or one released with its idea).</summary>
public sealed record RecordTopUpRefund(Guid IdeaId, Guid TopUpId, string RefundReference);

public static class RecordTopUpRefundHandler
{
    public static Events Handle(RecordTopUpRefund cmd, Idea idea, DateTimeOffset now)
    {
        Rule.Require(idea.TopUps.TryGetValue(cmd.TopUpId, out var topUp), ErrorCodes.NotFound, "Deze inleg is onbekend bij dit idee.");
        var events = new Events();
        if (topUp!.State == TopUpState.Refunded) return events;   // a repeated webhook
        Rule.Require(topUp.State is TopUpState.RefundDue or TopUpState.TurnedAway, ErrorCodes.InvalidState,
            "Deze inleg hoeft niet terugbetaald te worden.");
        events.Add(idea.Id, new TopUpRefunded(idea.Id, cmd.TopUpId, topUp.AmountCents, cmd.RefundReference, now));
        return events;
    }
}
