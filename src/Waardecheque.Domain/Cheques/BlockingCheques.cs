using Waardecheque.Domain.Programs;
using Waardecheque.Messaging;

namespace Waardecheque.Domain.Cheques;

/// <summary>The municipality blocks a lost or stolen cheque. Its credit stays on it until it is reissued.</summary>
public sealed record BlockCheque(Guid ChequeId, Guid StaffId, string Reason);

public static class BlockChequeHandler
{
    public static void Validate(BlockCheque cmd) =>
        new FieldErrors().Check(!string.IsNullOrWhiteSpace(cmd.Reason) && cmd.Reason.Length <= 500, "reason",
            "Geef een reden van hoogstens 500 tekens.").ThrowIfAny();

    public static Events Handle(BlockCheque cmd, Cheque cheque, Program program, DateTimeOffset now)
    {
        Validate(cmd);
        Rule.Require(cheque.StateIn(program) is ChequeState.Issued or ChequeState.Activated, ErrorCodes.InvalidState,
            "Alleen een uitgegeven of geactiveerde cheque kan geblokkeerd worden.");
        return new Events { { cheque.Id, new ChequeBlocked(cheque.Id, cmd.Reason.Trim(), cmd.StaffId, now) } };
    }
}
