using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.Messaging;

namespace Waardecheque.Domain.Cheques;

public sealed record IssueCheques(Guid ProgramId);

public static class IssueChequesHandler
{
    /// <param name="householdsWithoutCheque">The program's households that have no cheque yet (a query of the pipeline).</param>
    public static Events Handle(IssueCheques cmd, Program program, IReadOnlyList<Household> householdsWithoutCheque,
        DateTimeOffset now)
    {
        Rule.Require(program.State != ProgramState.Closed, ErrorCodes.InvalidState, "Deze regeling is gesloten; er worden geen cheques meer uitgegeven.");
        var events = new Events();
        foreach (var household in householdsWithoutCheque.Where(h => h.ProgramId == program.Id).DistinctBy(h => h.HouseholdId))
        {
            // Deterministic per household: a rerun, or two runs at once, collide on the stream instead of issuing twice.
            var chequeId = Cheque.IdFor(program.Id, household.HouseholdId);
            events.Start<Cheque>(chequeId, new ChequeIssued(chequeId, program.Id, household.HouseholdId, household.Street,
                household.BuurtCode, program.ChequeValueCents, now));
        }
        return events;
    }
}
