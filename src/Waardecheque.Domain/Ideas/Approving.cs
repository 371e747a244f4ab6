using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>A connector approves a proposed idea: it opens for pledges.</summary>
public sealed record ApproveIdea(Guid IdeaId, Guid StaffId);

public static class ApproveIdeaHandler
{
    public static Events Handle(ApproveIdea cmd, Idea idea, Program program, DateTimeOffset now)
    {
        Rule.Require(idea.State == IdeaState.Submitted, ErrorCodes.InvalidState, "Alleen een voorgesteld idee kan goedgekeurd worden.");
        Rule.Require(program.IsOpenAt(now), ErrorCodes.InvalidState, "De regeling is niet open.");
        Rule.Require(now < idea.Deadline, ErrorCodes.InvalidState, "De deadline van dit idee is al voorbij.");
        return Open(idea.Id, idea.Deadline, cmd.StaffId, now, new Events());
    }

    internal static Events Open(Guid ideaId, DateTimeOffset deadline, Guid? approvedBy, DateTimeOffset now, Events events)
    {
        events.Add(ideaId, new IdeaApproved(ideaId, approvedBy, now));
        events.Send(new ExpireIdea(ideaId), deadline);
        return events;
    }
}
