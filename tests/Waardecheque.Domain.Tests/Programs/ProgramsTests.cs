using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Programs;

public class ProgramsTests
{
    private static readonly DateTimeOffset Now = Clock.Now;

    private static CreateProgram SeghwaertDoet(ProgramRules? rules = null) => new(Guid.NewGuid(), "Seghwaert Doet 2026", "GM0637",
        [Buurten.Tuinen, Buurten.Vaarten], 750, Now.AddDays(7), Now.AddDays(120), rules);

    [Fact]
    public void the_municipality_sets_up_a_program_with_the_rule_books_defaults_and_its_own_address_register()
    {
        var command = SeghwaertDoet();

        var events = CreateProgramHandler.Handle(command, Now);

        var program = Program.Create(events.One<ProgramCreated>());
        Assert.Equal((ProgramState.Draft, 3, 100L, 150_000L, true), (program.State, program.Rules.MinHouseholdsPerIdea,
            program.Rules.MinPledgeCents, program.Rules.MaxIdeaTargetCents, program.Rules.Moderation));
        var register = events.Single(e => e.Data is HouseholdRegisterOpened);
        Assert.Equal((HouseholdRegister.StreamIdFor(command.ProgramId), typeof(HouseholdRegister)), (register.StreamId, register.NewStreamType));
    }

    [Fact]
    public void a_program_with_a_wrong_municipality_code_a_duplicate_buurt_and_impossible_rules_lists_every_field()
    {
        var command = SeghwaertDoet(new ProgramRules(MinHouseholdsPerIdea: 0, MinPledgeCents: 0)) with
        {
            MunicipalityCode = "0637",
            Buurten = [Buurten.Tuinen, new Buurt("BU06370301", "Tuinen"), new Buurt("WK063703", "Wijk")],
            ChequeValueCents = 0,
            ClosesAt = Now.AddDays(1),
        };

        var error = Assert.Throws<RuleViolation>(() => CreateProgramHandler.Handle(command, Now));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["buurten[1].code", "buurten[2].code", "chequeValueCents", "closesAt", "municipalityCode",
            "rules.minHouseholdsPerIdea", "rules.minPledgeCents"], error.FieldErrors.Keys.Order());
    }

    [Fact]
    public void the_maximum_target_must_leave_room_for_the_minimum_households_each_pledging_the_minimum()
    {
        var error = Assert.Throws<RuleViolation>(() =>
            CreateProgramHandler.Handle(SeghwaertDoet(new ProgramRules(MinHouseholdsPerIdea: 5, MinPledgeCents: 100, MaxIdeaTargetCents: 499)), Now));

        Assert.Equal(["rules.maxIdeaTargetCents"], error.FieldErrors.Keys);
    }

    [Fact]
    public void opening_a_program_schedules_its_close()
    {
        var program = AProgram.Draft();

        var events = OpenProgramHandler.Handle(new OpenProgram(program.Id), program, Now);

        Assert.Equal(ProgramState.Open, program.After(events).State);
        var close = Assert.Single(events.Messages);
        Assert.Equal((new CloseProgram(program.Id), (DateTimeOffset?)program.ClosesAt), (close.Message, close.DueAt));
    }

    [Fact]
    public void a_program_cannot_be_opened_twice()
    {
        var program = AProgram.Open();

        Assert.Equal(ErrorCodes.InvalidState,
            Assert.Throws<RuleViolation>(() => OpenProgramHandler.Handle(new OpenProgram(program.Id), program, Now)).Code);
    }

    [Fact]
    public void closing_expires_the_open_and_proposed_ideas_returns_their_pledges_and_leaves_funded_ideas_alone()
    {
        var program = AProgram.Open();
        var open = AnIdea.In(program).Open().WithPledges(program, 300, 200);
        var submitted = AnIdea.In(program).Submitted();
        var funded = AnIdea.In(program).WithTarget(1_000).Open().WithPledges(program, 400, 400, 200);

        var events = CloseProgramHandler.Handle(new CloseProgram(program.Id), program, [open, submitted, funded], Now);

        Assert.Equal([open.Id, submitted.Id], events.All<IdeaExpired>().Select(e => e.IdeaId));
        Assert.Equal(500, events.All<CreditReleased>().Sum(r => r.AmountCents));
        Assert.IsType<ProgramClosed>(events.Last().Data);   // ideas first, then the cheques' credit with the program
        Assert.DoesNotContain(events.Messages, m => m.Message is ForwardReleasedCredit);
    }

    [Fact]
    public void a_scheduled_close_after_the_municipality_already_closed_does_nothing()
    {
        var program = AProgram.Closed();

        Assert.Empty(CloseProgramHandler.Handle(new CloseProgram(program.Id), program, [], Now));
    }

    [Fact]
    public void a_program_still_in_preparation_cannot_be_closed()
    {
        var program = AProgram.Draft();

        Assert.Equal(ErrorCodes.InvalidState,
            Assert.Throws<RuleViolation>(() => CloseProgramHandler.Handle(new CloseProgram(program.Id), program, [], Now)).Code);
    }

    [Fact]
    public void after_the_close_every_cheque_of_the_program_counts_as_expired()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Any().In(program).Activated();

        var closed = program.After(CloseProgramHandler.Handle(new CloseProgram(program.Id), program, [], Now));

        Assert.Equal(ChequeState.Activated, cheque.StateIn(program));
        Assert.Equal(ChequeState.Expired, cheque.StateIn(closed));
    }
}
