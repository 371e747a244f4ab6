using Waardecheque.Messaging;

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
        Rule.Require(topUp.AwaitsRefund, ErrorCodes.InvalidState, "Deze inleg hoeft niet terugbetaald te worden.");
        events.Add(idea.Id, new TopUpRefunded(idea.Id, cmd.TopUpId, topUp.AmountCents, cmd.RefundReference, now));
        return events;
    }
}

/// <summary>
/// Stripe could not carry out a refund (<c>refund.failed</c>, or a refund answered <c>failed</c>). The money is still to
/// go back, so the refund is tried again later with a new idempotency key (<see cref="RefundKeys"/>). Each failed refund
/// counts once, however often Stripe reports it; a top-up already refunded is left alone.
/// </summary>
public sealed record RecordTopUpRefundFailure(Guid IdeaId, Guid TopUpId, string RefundReference);

public static class RecordTopUpRefundFailureHandler
{
    /// <summary>How long before the next try: grows with each failure, at most an hour.</summary>
    public static TimeSpan RetryAfter(int failures) => TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(3, Math.Max(0, failures - 1))));

    public static Events Handle(RecordTopUpRefundFailure cmd, Idea idea, DateTimeOffset now)
    {
        Rule.Require(idea.TopUps.TryGetValue(cmd.TopUpId, out var topUp), ErrorCodes.NotFound, "Deze inleg is onbekend bij dit idee.");
        var events = new Events();
        if (!topUp!.AwaitsRefund || topUp.FailedRefunds.Contains(cmd.RefundReference)) return events;
        events.Add(idea.Id, new TopUpRefundFailed(idea.Id, cmd.TopUpId, topUp.AmountCents, cmd.RefundReference, now));
        events.Send(new RefundTopUp(idea.Id, cmd.TopUpId, topUp.AmountCents, topUp.PaymentReference!), now + RetryAfter(topUp.FailedRefunds.Count + 1));
        return events;
    }
}

/// <summary>
/// Ask Stripe how refund <see cref="RefundReference"/> ended: sent (delayed) when Stripe answered <c>pending</c>, in case
/// its <c>refund.updated</c> webhook never arrives. Whatever the answer, the top-up's stream decides what it still means.
/// </summary>
public sealed record CheckTopUpRefund(Guid IdeaId, Guid TopUpId, string RefundReference);

/// <summary>The idempotency key of a top-up's refund at Stripe: one per try, a new try only after Stripe said the last failed.</summary>
public static class RefundKeys
{
    public static string For(TopUp topUp) => $"wc-refund-{topUp.TopUpId:N}-{topUp.FailedRefunds.Count}";
}
