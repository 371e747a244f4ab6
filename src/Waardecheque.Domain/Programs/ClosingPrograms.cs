using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Programs;

/// <summary>Sent by the municipality, or scheduled at closesAt when the program opens.</summary>
public sealed record CloseProgram(Guid ProgramId);

public static class CloseProgramHandler
{
    /// <param name="ideas">Every idea of the program that is not final (the pipeline loads them by a query).</param>
    public static Events Handle(CloseProgram cmd, Program program, IReadOnlyList<Idea> ideas, DateTimeOffset now)
    {
        var events = new Events();
        if (program.State == ProgramState.Closed) return events;   // the scheduled close after a manual one
        Rule.Require(program.State == ProgramState.Open, ErrorCodes.InvalidState, "Alleen een open regeling kan sluiten.");

        // The rule book's order: open ideas expire first (their pledges go back to the cheques), then every
        // cheque's available credit expires with the program.
        foreach (var idea in ideas.Where(i => i.ProgramId == program.Id && i.State is IdeaState.Submitted or IdeaState.Open))
            Release.AllOf(idea, new IdeaExpired(idea.Id, now), ReleaseReason.Expired, now, events, forwardToReplacements: false);
        events.Add(program.Id, new ProgramClosed(program.Id, now));
        return events;
    }
}
