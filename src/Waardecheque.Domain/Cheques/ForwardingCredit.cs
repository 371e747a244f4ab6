using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

/// <summary>
/// Sent for every cheque that gets credit back from an idea. Releasing does not load the cheques (an idea may have
/// hundreds), so it cannot know which were reissued meanwhile; this message moves such stranded credit on to the
/// household's current cheque. For any other cheque it does nothing.
/// </summary>
public sealed record ForwardReleasedCredit(Guid ChequeId);

public static class ForwardReleasedCreditHandler
{
    public static Events Handle(ForwardReleasedCredit cmd, Cheque cheque, Program program, DateTimeOffset now)
    {
        var events = new Events();
        // After the program closed the credit has expired wherever it sits; moving it would change nothing.
        if (cheque.State != ChequeState.Reissued || cheque.AvailableCents <= 0 || program.State == ProgramState.Closed) return events;

        var to = cheque.ReplacedByChequeId!.Value;
        events.Add(cheque.Id, new CreditForwarded(cheque.Id, to, cheque.AvailableCents, now));
        // The replacement is not loaded: appending credit needs no version check, like a release.
        events.Add(to, new ForwardedCreditReceived(to, cheque.Id, cheque.AvailableCents, now));
        // The replacement may itself have been replaced by now; the next hop decides that for itself.
        events.Send(new ForwardReleasedCredit(to));
        return events;
    }
}
