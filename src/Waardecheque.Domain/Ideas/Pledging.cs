using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>A resident (or a connector on their behalf) pledges credit from a cheque to an open idea.</summary>
public sealed record Pledge(Guid IdeaId, Guid ChequeId, long AmountCents, Guid? OnBehalfOfStaffId = null);

public static class PledgeHandler
{
    public static void Validate(Pledge cmd) =>
        Rule.Require(cmd.AmountCents > 0, ErrorCodes.InvalidAmount, "Een toezegging is een bedrag van meer dan 0 cent.");   // P1

    public static Events Handle(Pledge cmd, Idea idea, Cheque cheque, Program program, DateTimeOffset now)
    {
        PledgeRules.RequireAll(idea, cheque, program, cmd.AmountCents, now);   // P1..P8
        return Emit(new Events(), idea, cheque, program, cmd.AmountCents, now, cmd.OnBehalfOfStaffId, collectedBy: null);
    }

    /// <summary>
    /// The pledge on both streams, and the funding when this pledge completes the idea: one Events, so one
    /// transaction with an expected version on the cheque and on the idea.
    /// </summary>
    internal static Events Emit(Events events, Idea idea, Cheque cheque, Program program, long amountCents,
        DateTimeOffset now, Guid? onBehalfOf, Guid? collectedBy)
    {
        events.Add(cheque.Id, new CreditPledged(cheque.Id, idea.Id, amountCents, now, onBehalfOf, collectedBy));
        var received = new PledgeReceived(idea.Id, cheque.Id, cheque.HouseholdId, amountCents, now, onBehalfOf, collectedBy);
        events.Add(idea.Id, received);
        var after = idea.Apply(received);
        if (PledgeRules.IsFunded(after, program.Rules))
            events.Add(idea.Id, new IdeaFunded(idea.Id, after.TotalCents, after.PledgedCents, after.ToppedUpCents, after.HouseholdCount, now));
        return events;
    }
}
