using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>
/// Someone wants to add own money to an open idea. This only checks that it would fit now and records the intent;
/// the caller then opens a Stripe Checkout with <see cref="TopUpId"/> as client reference. Nothing counts until paid.
/// <see cref="ChequeId"/>/<see cref="HouseholdId"/>: whose top-up it is (a resident's own, or on behalf).
/// The same top-up id started again with the same amount is a retry (the client's idempotency key): nothing new.
/// </summary>
/// <see cref="CheckAfter"/>: when to ask Stripe how the checkout ended should no webhook have said so (default an hour).
public sealed record StartTopUp(Guid IdeaId, Guid TopUpId, long AmountCents, Guid? ChequeId = null, Guid? HouseholdId = null,
    TimeSpan? CheckAfter = null);

/// <summary>
/// Ask Stripe how a top-up's checkout ended (paid, expired, still open): sent with the start, due after the checkout's
/// life, in case no webhook ever says so. A top-up settled meanwhile is left alone.
/// </summary>
public sealed record CheckTopUpCheckout(Guid IdeaId, Guid TopUpId);

public static class StartTopUpHandler
{
    /// <summary>A Stripe checkout lives 30 minutes; its webhook has had plenty of time after an hour.</summary>
    public static readonly TimeSpan DefaultCheckAfter = TimeSpan.FromHours(1);

    public static Events Handle(StartTopUp cmd, Idea idea, Program program, DateTimeOffset now)
    {
        if (idea.TopUps.TryGetValue(cmd.TopUpId, out var earlier))
        {
            // A retry of the same start (same idempotency key): already recorded, whatever the idea looks like now.
            Rule.Require(earlier.AmountCents == cmd.AmountCents, ErrorCodes.InvalidState, "Deze inleg bestaat al met een ander bedrag.");
            return new Events();
        }
        var rules = program.Rules;
        Rule.Require(rules.TopUps, ErrorCodes.TopUpsDisabled, "Bij deze regeling kun je geen eigen geld inleggen.");
        Rule.Require(cmd.AmountCents > 0 && cmd.AmountCents <= rules.MaxTopUpCents, ErrorCodes.InvalidAmount,
            $"Leg tussen € 0,01 en {Money.Euro(rules.MaxTopUpCents)} in.", Rule.Data("maxTopUpCents", rules.MaxTopUpCents));
        Rule.Require(program.IsOpenAt(now), ErrorCodes.IdeaNotOpen, "De regeling is niet open.");
        PledgeRules.RequireOpen(idea, now);                                  // P4
        PledgeRules.RequireRoom(idea, rules, cmd.AmountCents, householdId: null);   // P6, P7: a top-up is no household
        var events = new Events { { idea.Id, new TopUpStarted(idea.Id, cmd.TopUpId, cmd.AmountCents, now, cmd.ChequeId, cmd.HouseholdId) } };
        events.Send(new CheckTopUpCheckout(idea.Id, cmd.TopUpId), now + (cmd.CheckAfter ?? DefaultCheckAfter));
        return events;
    }
}
