using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

/// <summary>P2 in one place, with a message that tells the resident why.</summary>
public static class ChequeRules
{
    public static void RequireUsable(Cheque cheque, Program program, DateTimeOffset now) =>
        Rule.Require(cheque.IsUsableIn(program, now), ErrorCodes.ChequeNotUsable, WhyNotUsable(cheque, program, now));   // P2

    public static string WhyNotUsable(Cheque cheque, Program program, DateTimeOffset now) => cheque.StateIn(program) switch
    {
        ChequeState.Expired => "De regeling is gesloten; deze cheque is verlopen.",
        ChequeState.Blocked => "Deze cheque is geblokkeerd. Neem contact op met de gemeente.",
        ChequeState.Reissued => "Deze cheque is vervangen door een nieuwe cheque. Gebruik de code op de nieuwe brief.",
        _ when program.State == ProgramState.Draft => "De regeling is nog niet open.",
        _ when !program.IsOpenAt(now) => "De regeling is gesloten.",
        ChequeState.Issued => "Deze cheque is nog niet geactiveerd. Scan eerst de QR-code op de brief.",
        _ => "Deze cheque kan nu niet gebruikt worden.",
    };
}
