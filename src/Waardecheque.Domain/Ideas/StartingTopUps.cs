using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>
/// Someone wants to add own money to an open idea. This only checks that it would fit now and records the intent;
/// the caller then opens a Stripe Checkout with <see cref="TopUpId"/> as client reference. Nothing counts until paid.
/// </summary>
public sealed record StartTopUp(Guid IdeaId, Guid TopUpId, long AmountCents);

public static class StartTopUpHandler
{
    public static Events Handle(StartTopUp cmd, Idea idea, Program program, DateTimeOffset now)
    {
        var rules = program.Rules;
        Rule.Require(rules.TopUps, ErrorCodes.TopUpsDisabled, "Bij deze regeling kun je geen eigen geld inleggen.");
        Rule.Require(cmd.AmountCents > 0 && cmd.AmountCents <= rules.MaxTopUpCents, ErrorCodes.InvalidAmount,
            $"Leg tussen € 0,01 en {Money.Euro(rules.MaxTopUpCents)} in.", Rule.Data("maxTopUpCents", rules.MaxTopUpCents));
        Rule.Require(program.IsOpenAt(now), ErrorCodes.IdeaNotOpen, "De regeling is niet open.");
        PledgeRules.RequireOpen(idea, now);                                  // P4
        PledgeRules.RequireRoom(idea, rules, cmd.AmountCents, householdId: null);   // P6, P7: a top-up is no household
        Rule.Require(!idea.TopUps.ContainsKey(cmd.TopUpId), ErrorCodes.InvalidState, "Deze inleg bestaat al.");
        return new Events { { idea.Id, new TopUpStarted(idea.Id, cmd.TopUpId, cmd.AmountCents, now) } };
    }
}
