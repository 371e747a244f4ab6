using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>
/// Batch collection: the initiator scans a neighbour's paper cheque into their own idea. The caller has turned the
/// scanned code into <see cref="ChequeId"/> and knows the initiator's household from their session.
/// </summary>
public sealed record CollectCheque(Guid IdeaId, Guid ChequeId, Guid CollectorHouseholdId, Guid? OnBehalfOfStaffId = null);

public static class CollectChequeHandler
{
    public static Events Handle(CollectCheque cmd, Idea idea, Cheque cheque, Program program, DateTimeOffset now)
    {
        Rule.Require(cmd.CollectorHouseholdId == idea.InitiatorHouseholdId, ErrorCodes.NotInitiator,
            "Alleen wie het idee heeft voorgesteld kan cheques van buren verzamelen.");

        var events = new Events();
        if (cheque.StateIn(program) == ChequeState.Issued && program.IsOpenAt(now))
        {
            // A paper cheque that was never scanned is activated by this scan; both land in one transaction.
            var activated = new ChequeActivated(cheque.Id, now, cmd.OnBehalfOfStaffId, cmd.CollectorHouseholdId);
            events.Add(cheque.Id, activated);
            cheque = cheque.Apply(activated);
        }
        ChequeRules.RequireUsable(cheque, program, now);                                                                 // P2
        Rule.Require(cheque.AvailableCents > 0, ErrorCodes.InsufficientCredit, "Op deze cheque staat geen tegoed meer.",  // P3
            Rule.Data("availableCents", 0L));

        // As much as the rules allow: the whole credit where possible, else the largest amount P1, P6 and P7 accept.
        // When no amount fits, trying the whole credit makes P6 or P7 say why, with the numbers.
        var largest = PledgeRules.LargestAllowed(idea, program.Rules, cheque);
        var fits = largest > 0 && (largest == cheque.AvailableCents || largest >= program.Rules.MinPledgeCents);
        var amount = fits ? largest : cheque.AvailableCents;
        PledgeRules.RequireAll(idea, cheque, program, amount, now);                                                       // P1..P8
        return PledgeHandler.Emit(events, idea, cheque, program, amount, now, cmd.OnBehalfOfStaffId, cmd.CollectorHouseholdId);
    }
}
