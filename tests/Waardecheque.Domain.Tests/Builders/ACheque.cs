using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary><c>ACheque.Of(household).In(program).Activated()</c>; <c>.WithCredit(300)</c> for what is left on it.</summary>
public sealed record ACheque(Household Household, Program? Program = null, long? Credit = null)
{
    public static ACheque Of(Household household) => new(household);
    public static ACheque Any() => new(AHousehold.Any());

    public ACheque In(Program program) => this with { Program = program };
    public ACheque WithCredit(long cents) => this with { Credit = cents };

    public Cheque Issued()
    {
        var program = Program ?? AProgram.Open();
        var id = Cheque.IdFor(program.Id, Household.HouseholdId);
        return Cheque.Create(new ChequeIssued(id, program.Id, Household.HouseholdId, Household.Street, Household.BuurtCode,
            Credit ?? program.ChequeValueCents, Clock.Now.AddDays(-20)));
    }

    public Cheque Activated()
    {
        var cheque = Issued();
        return cheque.Apply(new ChequeActivated(cheque.Id, Clock.Now.AddDays(-10)));
    }

    public Cheque Blocked()
    {
        var cheque = Activated();
        return cheque.Apply(new ChequeBlocked(cheque.Id, "kwijt", Guid.NewGuid(), Clock.Now.AddDays(-1)));
    }

    public Cheque Reissued()
    {
        var cheque = Activated();
        return cheque.Apply(new ChequeReissued(cheque.Id, Cheque.ReplacementIdFor(cheque.Id), cheque.AvailableCents, Guid.NewGuid(), Clock.Now.AddDays(-1)));
    }
}
