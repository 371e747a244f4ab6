using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Text;

/// <summary>DOMAIN.md "Text and numbers from outside" and the program rules: bounded amounts, totals that never wrap.</summary>
public class NumbersFromOutsideTests
{
    private static readonly DateTimeOffset Now = Clock.Now;

    private static CreateProgram WithValue(long cents, ProgramRules? rules = null) => new(Guid.NewGuid(), "Seghwaert Doet 2026", "GM0637",
        [Buurten.Tuinen], cents, Now.AddDays(1), Now.AddDays(90), rules);

    [Fact]
    public void a_cheque_is_worth_at_most_a_thousand_euros()
    {
        CreateProgramHandler.Validate(WithValue(100_000));

        var error = Assert.Throws<RuleViolation>(() => CreateProgramHandler.Validate(WithValue(100_001)));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["chequeValueCents"], error.FieldErrors.Keys);
    }

    [Fact]
    public void a_minimum_pledge_so_large_that_households_times_it_would_wrap_is_refused_instead_of_wrapping()
    {
        // 4 x 2^61 wraps to 0 in unchecked long arithmetic, which would have passed "max target >= min target".
        var rules = new ProgramRules(MinHouseholdsPerIdea: 4, MinPledgeCents: 1L << 61, MaxIdeaTargetCents: 150_000);

        var error = Assert.Throws<RuleViolation>(() => CreateProgramHandler.Validate(WithValue(750, rules)));

        Assert.Equal(["rules.minPledgeCents"], error.FieldErrors.Keys);
    }

    [Fact]
    public void money_rules_above_ten_million_euros_are_refused()
    {
        var rules = new ProgramRules(MaxIdeaTargetCents: CreateProgramHandler.MaxRuleCents + 1, MaxTopUpCents: long.MaxValue);

        var error = Assert.Throws<RuleViolation>(() => CreateProgramHandler.Validate(WithValue(750, rules)));

        Assert.Equal(["rules.maxIdeaTargetCents", "rules.maxTopUpCents"], error.FieldErrors.Keys.Order());
    }

    [Fact]
    public void a_total_that_cannot_be_represented_is_invalid_amount_not_a_wrapped_number()
    {
        Assert.Equal(3 * 750L, Money.Times(3, 750));

        var error = Assert.Throws<RuleViolation>(() => Money.Times(int.MaxValue, long.MaxValue / 1000));

        Assert.Equal(ErrorCodes.InvalidAmount, error.Code);
    }

    [Fact]
    public void a_program_recorded_with_a_cheque_value_above_the_bound_issues_nothing_at_all()
    {
        // Recorded before the bound was checked: the run refuses before any cheque, so no batch is written and then failed.
        var program = AProgram.WithChequeValue(long.MaxValue / 2).AsOpen();
        var households = new[] { AHousehold.Any() with { ProgramId = program.Id }, AHousehold.Any() with { ProgramId = program.Id } };

        var error = Assert.Throws<RuleViolation>(() =>
            IssueChequesHandler.Handle(new IssueCheques(program.Id), program, households, Now));

        Assert.Equal(ErrorCodes.InvalidAmount, error.Code);
    }

    [Fact]
    public void a_run_knows_its_total_before_it_writes_anything()
    {
        var program = AProgram.WithChequeValue(750).AsOpen();

        Assert.Equal(75_000_000L, IssueChequesHandler.RequireIssuable(program, 100_000));
        Assert.Equal(ErrorCodes.InvalidState,
            Assert.Throws<RuleViolation>(() => IssueChequesHandler.RequireIssuable(AProgram.Closed(), 0)).Code);
    }
}
