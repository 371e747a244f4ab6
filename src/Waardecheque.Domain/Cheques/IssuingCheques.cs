using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

public sealed record IssueCheques(Guid ProgramId);

public static class IssueChequesHandler
{
    /// <summary>
    /// Every rule that can refuse a run, for all of it at once, before its first batch is written (so a run never
    /// commits part and then fails): the program is not closed, its cheque value is within the rule book's bounds (a
    /// program recorded before the bound was checked could hold more), and the run's total can be represented.
    /// </summary>
    /// <returns>The run's total in cents.</returns>
    public static long RequireIssuable(Program program, int households)
    {
        Rule.Require(program.State != ProgramState.Closed, ErrorCodes.InvalidState, "Deze regeling is gesloten; er worden geen cheques meer uitgegeven.");
        Rule.Require(program.ChequeValueCents is > 0 and <= CreateProgramHandler.MaxChequeValueCents, ErrorCodes.InvalidAmount,
            $"De waarde van een cheque van deze regeling ligt niet tussen 1 cent en {Money.Euro(CreateProgramHandler.MaxChequeValueCents)}; er is niets uitgegeven.");
        return Money.Times(households, program.ChequeValueCents);
    }

    /// <param name="householdsWithoutCheque">The program's households that have no cheque yet (a query of the pipeline).</param>
    public static Events Handle(IssueCheques cmd, Program program, IReadOnlyList<Household> householdsWithoutCheque,
        DateTimeOffset now)
    {
        RequireIssuable(program, householdsWithoutCheque.Count);
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
