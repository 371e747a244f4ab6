using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Ideas;

/// <summary>Stripe's part of "all or nothing": the payments worker refunds this top-up and reports back.</summary>
public sealed record RefundTopUp(Guid IdeaId, Guid TopUpId, long AmountCents, string PaymentReference);

/// <summary>
/// A top-up still being paid for an idea that failed: its checkout is closed at Stripe so the resident cannot pay any
/// more (Stripe then reports it expired). Paid in the meantime, it is turned away and refunded like any late payment.
/// </summary>
public sealed record ExpireTopUpCheckout(Guid IdeaId, Guid TopUpId);

/// <summary>
/// All or nothing (DOMAIN.md): an idea that does not go ahead gives every pledge back to its cheque and has every
/// top-up refunded. Shared by reject, withdraw, expire and program close.
/// </summary>
public static class Release
{
    public static void AllOf(Idea idea, object stateEvent, ReleaseReason reason, DateTimeOffset now, Events events,
        bool forwardToReplacements = true)
    {
        events.Add(idea.Id, stateEvent);
        foreach (var started in idea.TopUps.Values.Where(t => t.State == TopUpState.Started))
            events.Send(new ExpireTopUpCheckout(idea.Id, started.TopUpId));
        var topUps = idea.TopUps.Values.Where(t => t.State == TopUpState.Received).ToList();
        if (idea.Pledges.IsEmpty && topUps.Count == 0) return;

        foreach (var pledge in idea.Pledges.Values)
        {
            // The cheque streams are not loaded: the pipeline appends without a version check, safe because a
            // release only adds credit.
            events.Add(pledge.ChequeId, new CreditReleased(pledge.ChequeId, idea.Id, pledge.AmountCents, reason, now));
            if (forwardToReplacements) events.Send(new ForwardReleasedCredit(pledge.ChequeId));
        }
        events.Add(idea.Id, new PledgesReleased(idea.Id, reason,
            [.. idea.Pledges.Values.Select(p => new ReleasedPledge(p.ChequeId, p.HouseholdId, p.AmountCents))],
            [.. topUps.Select(t => t.TopUpId)], idea.PledgedCents, idea.ToppedUpCents, now));
        foreach (var topUp in topUps)
            events.Send(new RefundTopUp(idea.Id, topUp.TopUpId, topUp.AmountCents, topUp.PaymentReference!));
    }
}
