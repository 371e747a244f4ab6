using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Ideas;

/// <summary>The initiator (their household) or a connector (staff) withdraws an idea that has not been funded.</summary>
public sealed record WithdrawIdea(Guid IdeaId, Guid? ByHouseholdId = null, Guid? ByStaffId = null);

public static class WithdrawIdeaHandler
{
    public static Events Handle(WithdrawIdea cmd, Idea idea, DateTimeOffset now)
    {
        Rule.Require(cmd.ByStaffId is not null || cmd.ByHouseholdId == idea.InitiatorHouseholdId, ErrorCodes.NotInitiator,
            "Alleen wie het idee heeft voorgesteld kan het intrekken.");
        Rule.Require(idea.State is IdeaState.Submitted or IdeaState.Open, ErrorCodes.InvalidState,
            "Alleen een voorgesteld of open idee kan ingetrokken worden.");
        var events = new Events();
        Release.AllOf(idea, new IdeaWithdrawn(idea.Id, cmd.ByHouseholdId, cmd.ByStaffId, now), ReleaseReason.IdeaWithdrawn, now, events);
        return events;
    }
}
