using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

/// <summary>
/// A new code for the same household. The new cheque's id is <see cref="Cheque.ReplacementIdFor"/> of the old one;
/// its code is <c>ChequeCode.Derive(serverKey, newId)</c>, which the caller shows or prints; the event carries no
/// trace of it.
/// </summary>
public sealed record ReissueCheque(Guid ChequeId, Guid StaffId);

public static class ReissueChequeHandler
{
    public static Events Handle(ReissueCheque cmd, Cheque cheque, Program program, DateTimeOffset now)
    {
        Rule.Require(cheque.StateIn(program) is ChequeState.Issued or ChequeState.Activated or ChequeState.Blocked,
            ErrorCodes.InvalidState, "Deze cheque kan niet vervangen worden (al vervangen, of de regeling is gesloten).");

        var newId = Cheque.ReplacementIdFor(cheque.Id);
        var carried = cheque.AvailableCents;
        var events = new Events { { cheque.Id, new ChequeReissued(cheque.Id, newId, carried, cmd.StaffId, now) } };
        events.Start<Cheque>(newId, new ChequeIssued(newId, cheque.ProgramId, cheque.HouseholdId, cheque.Street,
            cheque.BuurtCode, carried, now, ReplacesChequeId: cheque.Id));
        // The caller shows the new code to the staff member who reissued: that is a disclosure (DOMAIN.md).
        events.Add(newId, new ChequeCodeDisclosed(newId, CodeDisclosure.Reissue, cmd.StaffId, now));
        return events;
    }
}
