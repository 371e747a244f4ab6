
namespace Waardecheque.Domain.Cheques;

/// <summary>How a cheque's code left the system (DOMAIN.md "Who sees a code").</summary>
public enum CodeDisclosure { Letter, QrCode, Reissue }

/// <summary>
/// A staff member was shown a cheque's code: a printed letter, a QR picture for a reprint, or the new code of a
/// reissue. Whoever holds the code can act as the household, so every disclosure is on the cheque's own record with
/// the staff member as actor: an auditor can tell who could have used a code, and when.
/// </summary>
public sealed record ChequeCodeDisclosed(Guid ChequeId, CodeDisclosure How, Guid ByStaffId, DateTimeOffset DisclosedAt);

/// <summary>Records that the codes of these cheques are about to be shown to a staff member (before they are).</summary>
public sealed record DiscloseCodes(IReadOnlyList<Guid> ChequeIds, CodeDisclosure How, Guid StaffId);

public static class DiscloseCodesHandler
{
    /// <summary>Letters go out in runs of thousands; one transaction per run keeps the locks and the commit short.</summary>
    public const int MaxChequesPerCommand = 2_000;

    public static void Validate(DiscloseCodes cmd) =>
        new FieldErrors().Check(cmd.ChequeIds.Count is > 0 and <= MaxChequesPerCommand, "chequeIds",
            $"Geef 1 tot {MaxChequesPerCommand} cheques op.").ThrowIfAny();

    /// <summary>
    /// The cheques are not loaded: a disclosure changes no credit and no state, so it needs no version check and never
    /// clashes with a resident's pledge (like a release, it is appended to whatever the stream holds by then).
    /// </summary>
    public static Events Handle(DiscloseCodes cmd, DateTimeOffset now)
    {
        Validate(cmd);
        var events = new Events();
        foreach (var chequeId in cmd.ChequeIds.Distinct()) events.Add(chequeId, new ChequeCodeDisclosed(chequeId, cmd.How, cmd.StaffId, now));
        return events;
    }
}
