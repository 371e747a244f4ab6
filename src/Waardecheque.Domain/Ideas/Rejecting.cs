using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Ideas;

/// <summary>A connector rejects an idea against the rules, with a reason; pledges it already had go back.</summary>
public sealed record RejectIdea(Guid IdeaId, Guid StaffId, string Reason);

public static class RejectIdeaHandler
{
    public const int MaxReason = 2000;

    public static void Validate(RejectIdea cmd) =>
        new FieldErrors().Text(cmd.Reason, "reason", 1, MaxReason, $"Geef een reden (hoogstens {MaxReason} tekens); de bewoner ziet die.",
            TextKind.Long).ThrowIfAny();

    public static Events Handle(RejectIdea cmd, Idea idea, DateTimeOffset now)
    {
        Validate(cmd);
        Rule.Require(idea.State is IdeaState.Submitted or IdeaState.Open, ErrorCodes.InvalidState,
            "Alleen een voorgesteld of open idee kan afgewezen worden.");
        var events = new Events();
        Release.AllOf(idea, new IdeaRejected(idea.Id, Text.Clean(cmd.Reason, TextKind.Long), cmd.StaffId, now), ReleaseReason.Rejected, now, events);
        return events;
    }
}
