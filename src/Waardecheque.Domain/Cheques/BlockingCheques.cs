using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

/// <summary>The municipality blocks a lost or stolen cheque. Its credit stays on it until it is reissued.</summary>
public sealed record BlockCheque(Guid ChequeId, Guid StaffId, string Reason);

public static class BlockChequeHandler
{
    public const int MaxReason = 500;

    public static void Validate(BlockCheque cmd) =>
        new FieldErrors().Text(cmd.Reason, "reason", 1, MaxReason, $"Geef een reden van hoogstens {MaxReason} tekens.", TextKind.Long).ThrowIfAny();

    public static Events Handle(BlockCheque cmd, Cheque cheque, Program program, DateTimeOffset now)
    {
        Validate(cmd);
        Rule.Require(cheque.StateIn(program) is ChequeState.Issued or ChequeState.Activated, ErrorCodes.InvalidState,
            "Alleen een uitgegeven of geactiveerde cheque kan geblokkeerd worden.");
        return new Events { { cheque.Id, new ChequeBlocked(cheque.Id, Text.Clean(cmd.Reason, TextKind.Long), cmd.StaffId, now) } };
    }
}
