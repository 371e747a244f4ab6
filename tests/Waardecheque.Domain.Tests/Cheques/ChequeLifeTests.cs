using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Tests.Cheques;

public class ChequeLifeTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Domain.Programs.Program _program = AProgram.Open();
    private readonly Guid _staff = Guid.NewGuid();

    private Household AnAddress() => AHousehold.InBuurt(Buurten.Tuinen) with { ProgramId = _program.Id };

    [Fact]
    public void every_household_gets_one_cheque_worth_the_programs_value_and_its_event_carries_no_trace_of_the_code()
    {
        var households = new[] { AnAddress(), AnAddress() };

        var events = IssueChequesHandler.Handle(new IssueCheques(_program.Id), _program, households, Now);

        var issued = events.All<ChequeIssued>().ToList();
        Assert.Equal(2, issued.Count);
        Assert.All(events, e => Assert.Equal(typeof(Cheque), e.NewStreamType));
        Assert.All(issued, i => Assert.Equal(750, i.ValueCents));
        Assert.All(issued, AssertNoTraceOfItsCode);
        Assert.Equal(Cheque.IdFor(_program.Id, households[0].HouseholdId), issued[0].ChequeId);
    }

    [Fact]
    public void issuing_again_to_the_same_household_would_start_the_very_same_cheque_stream()
    {
        var household = AnAddress();

        var first = IssueChequesHandler.Handle(new IssueCheques(_program.Id), _program, [household], Now);
        var rerun = IssueChequesHandler.Handle(new IssueCheques(_program.Id), _program, [household, household], Now.AddHours(1));

        Assert.Equal(first.Single().StreamId, rerun.Single().StreamId);   // the store refuses to start an existing stream
    }

    [Fact]
    public void a_closed_program_issues_no_cheques()
    {
        var closed = AProgram.Closed();

        Assert.Equal(ErrorCodes.InvalidState, Assert.Throws<RuleViolation>(() =>
            IssueChequesHandler.Handle(new IssueCheques(closed.Id), closed, [AnAddress()], Now)).Code);
    }

    [Fact]
    public void the_first_scan_activates_the_cheque_and_later_scans_record_nothing()
    {
        var cheque = ACheque.Of(AnAddress()).In(_program).Issued();

        var first = ActivateChequeHandler.Handle(new ActivateCheque(cheque.Id), cheque, _program, Now);
        var second = ActivateChequeHandler.Handle(new ActivateCheque(cheque.Id), cheque.After(first), _program, Now);

        Assert.Equal(ChequeState.Activated, cheque.After(first).State);
        Assert.Empty(second);
    }

    [Fact]
    public void a_connector_activating_for_a_resident_is_named_in_the_event()
    {
        var cheque = ACheque.Of(AnAddress()).In(_program).Issued();

        var events = ActivateChequeHandler.Handle(new ActivateCheque(cheque.Id, _staff), cheque, _program, Now);

        Assert.Equal(_staff, events.One<ChequeActivated>().OnBehalfOfStaffId);
    }

    [Fact]
    public void a_blocked_cheque_cannot_be_activated()
    {
        var cheque = ACheque.Of(AnAddress()).In(_program).Blocked();

        Assert.Equal(ErrorCodes.ChequeNotUsable,
            Assert.Throws<RuleViolation>(() => ActivateChequeHandler.Handle(new ActivateCheque(cheque.Id), cheque, _program, Now)).Code);
    }

    [Fact]
    public void a_lost_cheque_is_blocked_and_reissued_and_the_new_cheque_carries_what_was_left()
    {
        var household = AnAddress();
        var (_, cheque) = AnIdea.In(_program).Open().Pledged(ACheque.Of(household).In(_program).Activated(), _program, 300);
        cheque = cheque.After(BlockChequeHandler.Handle(new BlockCheque(cheque.Id, _staff, "Brief kwijt"), cheque, _program, Now));

        var events = ReissueChequeHandler.Handle(new ReissueCheque(cheque.Id, _staff), cheque, _program, Now);

        var old = cheque.After(events);
        var replacement = Cheque.Create(events.One<ChequeIssued>());
        Assert.Equal((ChequeState.Reissued, 0L), (old.State, old.AvailableCents));
        Assert.Equal((ChequeState.Issued, 450L, cheque.Id, household.HouseholdId),
            (replacement.State, replacement.AvailableCents, replacement.ReplacesChequeId!.Value, replacement.HouseholdId));
        Assert.Equal(Cheque.ReplacementIdFor(cheque.Id), replacement.Id);
        AssertNoTraceOfItsCode(events.One<ChequeIssued>());
    }

    [Fact]
    public void a_cheque_that_was_already_replaced_cannot_be_replaced_again()
    {
        var cheque = ACheque.Of(AnAddress()).In(_program).Reissued();

        Assert.Equal(ErrorCodes.InvalidState, Assert.Throws<RuleViolation>(() =>
            ReissueChequeHandler.Handle(new ReissueCheque(cheque.Id, _staff), cheque, _program, Now)).Code);
    }

    [Fact]
    public void a_block_needs_a_reason()
    {
        var cheque = ACheque.Of(AnAddress()).In(_program).Activated();

        Assert.Equal(ErrorCodes.ValidationFailed, Assert.Throws<RuleViolation>(() =>
            BlockChequeHandler.Handle(new BlockCheque(cheque.Id, _staff, ""), cheque, _program, Now)).Code);
    }

    [Fact]
    public void credit_released_to_a_replaced_cheque_moves_on_to_its_replacement()
    {
        var household = AnAddress();
        var (idea, cheque) = AnIdea.In(_program).Open().Pledged(ACheque.Of(household).In(_program).Activated(), _program, 300);
        var reissue = ReissueChequeHandler.Handle(new ReissueCheque(cheque.Id, _staff), cheque, _program, Now);
        cheque = cheque.After(reissue);
        var replacement = Cheque.Create(reissue.One<ChequeIssued>());
        var rejected = RejectIdeaHandler.Handle(new RejectIdea(idea.Id, _staff, "Niet toegestaan"), idea, Now);
        cheque = cheque.After(rejected);
        Assert.Equal(new ForwardReleasedCredit(cheque.Id), Assert.Single(rejected.Messages).Message);

        var forward = ForwardReleasedCreditHandler.Handle(new ForwardReleasedCredit(cheque.Id), cheque, _program, Now);

        Assert.Equal(0, cheque.After(forward).AvailableCents);
        Assert.Equal(750, replacement.After(forward).AvailableCents);
        Assert.Equal(new ForwardReleasedCredit(replacement.Id), Assert.Single(forward.Messages).Message);
    }

    [Fact]
    public void forwarding_does_nothing_for_a_cheque_that_was_not_replaced()
    {
        var cheque = ACheque.Of(AnAddress()).In(_program).Activated();

        var forward = ForwardReleasedCreditHandler.Handle(new ForwardReleasedCredit(cheque.Id), cheque, _program, Now);

        Assert.Empty(forward);
        Assert.Empty(forward.Messages);
    }

    /// <summary>
    /// The event as the store writes it (web JSON) holds neither the code nor any hash or lookup value of it: events
    /// are read by auditors and kept forever, and 60 bits under an unkeyed hash can be searched.
    /// </summary>
    private static void AssertNoTraceOfItsCode(ChequeIssued issued)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(issued, System.Text.Json.JsonSerializerOptions.Web);
        var code = ChequeCode.Derive(Clock.ServerKey, issued.ChequeId);
        var sha256 = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(code.Normalised));
        var lookup = new CodeLookup(Clock.ServerKey).Of(code);
        Assert.DoesNotContain("codeHash", json, StringComparison.OrdinalIgnoreCase);
        foreach (var trace in new[] { code.Normalised, code.ToString(), Convert.ToHexString(sha256), Convert.ToBase64String(sha256),
                     Convert.ToHexString(lookup), Convert.ToBase64String(lookup) })
            Assert.DoesNotContain(trace, json, StringComparison.OrdinalIgnoreCase);
    }
}
