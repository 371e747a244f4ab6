using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Tests.Cheques;

/// <summary>DOMAIN.md "Who sees a code": every time a code is shown to staff, the cheque's record says who and when.</summary>
public class CodeDisclosureTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly Guid _admin = Guid.NewGuid();

    [Fact]
    public void printing_letters_records_the_disclosure_on_every_cheque_once_with_the_staff_member()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        var events = DiscloseCodesHandler.Handle(new DiscloseCodes([a, b, a], CodeDisclosure.Letter, _admin), Now);

        Assert.Equal([a, b], events.Select(e => e.StreamId));
        Assert.All(events.All<ChequeCodeDisclosed>(), d => Assert.Equal((CodeDisclosure.Letter, _admin, Now), (d.How, d.ByStaffId, d.DisclosedAt)));
        Assert.All(events, e => Assert.Null(e.NewStreamType));   // appended to the existing cheque, never a new stream
    }

    [Fact]
    public void a_disclosure_changes_neither_the_credit_nor_the_state_of_the_cheque()
    {
        var cheque = ACheque.Any().Activated();

        var after = AggregateFold.Next(cheque, new ChequeCodeDisclosed(cheque.Id, CodeDisclosure.QrCode, _admin, Now));

        Assert.Equal(cheque with { Version = cheque.Version + 1 }, after);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(DiscloseCodesHandler.MaxChequesPerCommand + 1)]
    public void a_disclosure_names_between_one_and_a_runs_worth_of_cheques(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();

        var error = Assert.Throws<RuleViolation>(() => DiscloseCodesHandler.Handle(new DiscloseCodes(ids, CodeDisclosure.Letter, _admin), Now));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
    }

    [Fact]
    public void reissuing_shows_the_new_code_to_the_staff_member_and_records_that_on_the_new_cheque()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Any().In(program).Activated();

        var events = ReissueChequeHandler.Handle(new ReissueCheque(cheque.Id, _admin), cheque, program, Now);

        var newId = Cheque.ReplacementIdFor(cheque.Id);
        var disclosed = Assert.Single(events.All<ChequeCodeDisclosed>());
        Assert.Equal(new ChequeCodeDisclosed(newId, CodeDisclosure.Reissue, _admin, Now), disclosed);
        Assert.Equal(newId, events.Single(e => e.Data is ChequeCodeDisclosed).StreamId);
    }
}
