using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Ideas;

/// <summary>Scheduled at the deadline when an idea opens; may arrive late or twice.</summary>
public sealed record ExpireIdea(Guid IdeaId);

public static class ExpireIdeaHandler
{
    public static Events Handle(ExpireIdea cmd, Idea idea, DateTimeOffset now)
    {
        var events = new Events();
        // The message may come late (the idea got funded, withdrawn, ...) or twice: then there is nothing to do.
        if (idea.State != IdeaState.Open) return events;
        // A worker whose clock runs behind may deliver it early: ask again at the deadline rather than drop it.
        if (now < idea.Deadline)
        {
            events.Send(new ExpireIdea(idea.Id), idea.Deadline);
            return events;
        }
        Release.AllOf(idea, new IdeaExpired(idea.Id, now), ReleaseReason.Expired, now, events);
        return events;
    }
}
