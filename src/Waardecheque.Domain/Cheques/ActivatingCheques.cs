using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

/// <summary>The first scan of a cheque's code (or a connector at the walk-in point, on behalf).</summary>
public sealed record ActivateCheque(Guid ChequeId, Guid? OnBehalfOfStaffId = null);

public static class ActivateChequeHandler
{
    public static Events Handle(ActivateCheque cmd, Cheque cheque, Program program, DateTimeOffset now)
    {
        var state = cheque.StateIn(program);
        if (state == ChequeState.Activated) return new Events();   // every later login: nothing to record
        // Residents may scan as soon as the letter arrives, also before the program opens; pledging waits for P2.
        Rule.Require(state == ChequeState.Issued, ErrorCodes.ChequeNotUsable, ChequeRules.WhyNotUsable(cheque, program, now));
        return new Events { { cheque.Id, new ChequeActivated(cheque.Id, now, cmd.OnBehalfOfStaffId) } };
    }
}
