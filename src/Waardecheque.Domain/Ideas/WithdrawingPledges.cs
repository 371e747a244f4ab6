using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>
/// A household takes back its pledges to an idea that is still open. Everything it pledged, also from a cheque it
/// had before a reissue, comes back to the cheque it uses now.
/// </summary>
public sealed record WithdrawPledges(Guid IdeaId, Guid ChequeId, Guid? OnBehalfOfStaffId = null);

public static class WithdrawPledgesHandler
{
    public static Events Handle(WithdrawPledges cmd, Idea idea, Cheque cheque, Program program, DateTimeOffset now)
    {
        ChequeRules.RequireUsable(cheque, program, now);
        Rule.Require(idea.IsOpenAt(now), ErrorCodes.IdeaNotOpen, idea.State is IdeaState.Funded or IdeaState.Completed
            ? "Dit idee is al gefinancierd; toezeggingen liggen nu vast." : "Dit idee is niet meer open.");
        var amount = idea.PledgedBy(cheque.HouseholdId);
        Rule.Require(amount > 0, ErrorCodes.NoPledge, "Je hebt niets toegezegd aan dit idee.");

        return new Events
        {
            { cheque.Id, new CreditReleased(cheque.Id, idea.Id, amount, ReleaseReason.Withdrawn, now) },
            { idea.Id, new PledgeWithdrawn(idea.Id, cheque.HouseholdId, cheque.Id, amount, now, cmd.OnBehalfOfStaffId) },
        };
    }
}
