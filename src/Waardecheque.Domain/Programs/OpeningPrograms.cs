
namespace Waardecheque.Domain.Programs;

public sealed record OpenProgram(Guid ProgramId);

public static class OpenProgramHandler
{
    public static Events Handle(OpenProgram cmd, Program program, DateTimeOffset now)
    {
        Rule.Require(program.State == ProgramState.Draft, ErrorCodes.InvalidState, "Alleen een regeling in voorbereiding kan open.");
        Rule.Require(now < program.ClosesAt, ErrorCodes.InvalidState, "De sluitingsdatum van deze regeling is al voorbij.");
        var events = new Events { { program.Id, new ProgramOpened(program.Id, now) } };
        // The program closes by itself at closesAt; CloseProgram is idempotent, so a late or double delivery is harmless.
        events.Send(new CloseProgram(program.Id), program.ClosesAt);
        return events;
    }
}
