using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Ledger;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Ledger;

/// <summary>The auditor's figures for one small program, step by step through the real handlers.</summary>
public class BooksTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private readonly World _world = new();
    private readonly Guid _programId = Guid.NewGuid();
    private readonly Guid _staff = Guid.NewGuid();

    public BooksTests()
    {
        _world.Commit(CreateProgramHandler.Handle(new CreateProgram(_programId, "Seghwaert Doet", "GM0637", [Buurten.Tuinen, Buurten.Vaarten],
            750, Now, Now.AddDays(60), ProgramRules.Default with { Moderation = false }), Now));
        var csv = "postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n" + string.Join("\n",
            Enumerable.Range(1, 4).Select(n => $"2725 AB,{n},,,Dorpsstraat,BU06370301").Append("2726 CD,1,,,Kerkstraat,BU06370302"));
        _world.Commit(ImportHouseholdsHandler.Handle(new ImportHouseholds(_programId, csv), Program,
            _world.Get<HouseholdRegister>(HouseholdRegister.StreamIdFor(_programId)), Now));
        _world.Commit(OpenProgramHandler.Handle(new OpenProgram(_programId), Program, Now));
        var households = _world.Log.Select(e => e.Data).OfType<HouseholdsImported>().SelectMany(e => e.Households).ToList();
        _world.Commit(IssueChequesHandler.Handle(new IssueCheques(_programId), Program, households, Now));
        foreach (var cheque in Cheques.Take(4)) _world.Commit(ActivateChequeHandler.Handle(new ActivateCheque(cheque.Id), cheque, Program, Now));
    }

    private Program Program => _world.Get<Program>(_programId);
    private IReadOnlyList<Cheque> Cheques => _world.All<Cheque>();
    private Cheque ChequeNo(int i) => _world.Get<Cheque>(Cheques[i].Id);
    private Idea TheIdea => _world.All<Idea>().Single();
    private AuditFigures Figures => _world.Books.Figures();
    private IReadOnlyDictionary<string, long> Balances => Journal.Balances(_world.Journal);

    private void Propose(long target) => _world.Commit(ProposeIdeaHandler.Handle(new ProposeIdea(Guid.NewGuid(), Cheques[0].Id, "Bankje", "",
        Scope.ForBuurt(Buurten.Tuinen.Code), target, Now.AddDays(10)), ChequeNo(0), Program, Now));

    private void Pledge(int cheque, long amount) =>
        _world.Commit(PledgeHandler.Handle(new Pledge(TheIdea.Id, Cheques[cheque].Id, amount), TheIdea, ChequeNo(cheque), Program, Now));

    [Fact]
    public void every_household_got_its_cheque_and_the_municipality_handed_out_exactly_that()
    {
        Assert.Equal((3_750L, 3_000L, 3_750L), (Figures.IssuedCents, Figures.ActivatedCents, Figures.AvailableCents));
        Assert.Equal(new Participation(5, 4, 0, 0, 0), Figures.Participation);
        Assert.Equal(-3_750, Balances[Accounts.Municipality]);
        Assert.Equal([(4, 3_000L), (1, 750L)], Figures.ByBuurt.Select(b => (b.Households, b.IssuedCents)));
        Assert.True(Figures.Reconciles);
    }

    [Fact]
    public void pledges_are_open_until_the_idea_is_funded_and_then_committed()
    {
        Propose(1_000);
        Pledge(0, 400);
        Pledge(1, 400);
        Assert.Equal((800L, 0L, 2_950L), (Figures.PledgedOpenCents, Figures.CommittedCents, Figures.AvailableCents));

        Pledge(2, 200);

        Assert.Equal((0L, 1_000L), (Figures.PledgedOpenCents, Figures.CommittedCents));
        Assert.Equal(1_000, Balances[Accounts.Idea(TheIdea.Id)]);
        Assert.Equal(new Participation(5, 4, 3, 1, 1), Figures.Participation);
        Assert.True(Figures.Reconciles);
    }

    [Fact]
    public void spending_and_completing_move_the_budget_to_spent_and_returned()
    {
        Propose(1_000);
        Pledge(0, 400); Pledge(1, 400); Pledge(2, 200);
        var expense = Guid.NewGuid();
        _world.Commit(SubmitExpenseHandler.Handle(new SubmitExpense(TheIdea.Id, expense, Cheques[0].HouseholdId, 700, "Bouwmarkt", "Hout", "bon"), TheIdea, Now));
        _world.Commit(DecideExpenseHandler.Handle(new ApproveExpense(TheIdea.Id, expense, _staff), TheIdea, Now));
        Assert.Equal((700L, 300L), (Figures.SpentCents, _world.Books.UnspentBudgetsCents));

        _world.Commit(CompleteIdeaHandler.Handle(new CompleteIdea(TheIdea.Id, _staff), TheIdea, Now));

        Assert.Equal((700L, 300L, 1_000L), (Figures.SpentCents, Figures.ReturnedCents, Figures.CommittedCents));
        Assert.Equal((700L, 300L, 0L), (Balances[Accounts.Spent], Balances[Accounts.Returned], Balances[Accounts.Idea(TheIdea.Id)]));
        Assert.True(Figures.Reconciles);
    }

    [Fact]
    public void at_the_close_the_open_ideas_pledges_come_back_and_then_all_available_credit_expires()
    {
        Propose(1_000);
        Pledge(0, 400);

        _world.Commit(CloseProgramHandler.Handle(new CloseProgram(_programId), Program, [TheIdea], Now.AddDays(1)));

        Assert.Equal((3_750L, 0L, 0L), (Figures.ExpiredCents, Figures.AvailableCents, Figures.PledgedOpenCents));
        Assert.Equal(0, Balances[Accounts.Municipality]);
        Assert.All(Cheques, c => Assert.Equal(0, Balances.GetValueOrDefault(Accounts.Cheque(c.Id))));
        Assert.True(Figures.Reconciles);
    }

    [Fact]
    public void credit_released_to_a_cheque_after_the_close_counts_as_expired_at_once()
    {
        var before = _world.Books.Apply(_programId, new ProgramClosed(_programId, Now));
        var release = new CreditReleased(Cheques[0].Id, Guid.NewGuid(), 0, ReleaseReason.Expired, Now);

        var lines = Journal.LinesFor(before, Cheques[0].Id, release with { AmountCents = 250 });
        var after = before.Apply(Cheques[0].Id, release with { AmountCents = 250 });

        Assert.Equal((3_750L + 250L, 0L), (after.ExpiredCents, after.AvailableCents));
        Assert.Equal([Accounts.Cheque(Cheques[0].Id), Accounts.Municipality], lines.Select(l => l.DebitAccount));
        Assert.Equal(0, after.Cheques[Cheques[0].Id].BalanceCents);
    }

    [Fact]
    public void a_reissued_cheque_moves_credit_and_issues_none()
    {
        var old = ChequeNo(0);
        _world.Commit(ReissueChequeHandler.Handle(new ReissueCheque(old.Id, _staff), old, Program, Now));

        Assert.Equal((3_750L, 3_750L), (Figures.IssuedCents, Figures.AvailableCents));
        Assert.Equal(0, Balances[Accounts.Cheque(old.Id)]);
        Assert.Equal(750, Balances[Accounts.Cheque(Cheque.ReplacementIdFor(old.Id))]);
        Assert.True(Figures.Reconciles);
    }

    [Fact]
    public void a_close_committed_between_the_two_halves_of_a_reissue_loses_no_cent()
    {
        // Concurrent transactions may interleave their sequence numbers; the books must not care.
        var old = ChequeNo(0);
        var reissue = ReissueChequeHandler.Handle(new ReissueCheque(old.Id, _staff), old, Program, Now).ToList();

        AssertNothingLost(reissue[0], Closing(), reissue[1]);
        AssertNothingLost(reissue[1], Closing(), reissue[0]);
    }

    [Fact]
    public void a_close_committed_between_the_two_halves_of_a_forward_loses_no_cent()
    {
        Propose(1_000);
        Pledge(0, 300);
        _world.Commit(ReissueChequeHandler.Handle(new ReissueCheque(Cheques[0].Id, _staff), ChequeNo(0), Program, Now));
        _world.Commit(RejectIdeaHandler.Handle(new RejectIdea(TheIdea.Id, _staff, "Niet toegestaan"), TheIdea, Now));
        var forward = ForwardReleasedCreditHandler.Handle(new ForwardReleasedCredit(Cheques[0].Id), ChequeNo(0), Program, Now).ToList();
        Assert.Equal(300, forward[0].Data is CreditForwarded f ? f.AmountCents : 0);

        AssertNothingLost(forward[0], Closing(), forward[1]);
        AssertNothingLost(forward[1], Closing(), forward[0]);
    }

    private StreamEvent Closing() => new(_programId, new ProgramClosed(_programId, Now));

    private void AssertNothingLost(params StreamEvent[] order)
    {
        var books = _world.Books;
        var lines = new List<JournalLine>(_world.Journal);
        foreach (var e in order)
        {
            lines.AddRange(Journal.LinesFor(books, e.StreamId, e.Data));
            books = books.Apply(e.StreamId, e.Data);
        }

        Assert.True(books.Reconciles);
        Assert.Equal((3_750L, 0L), (books.ExpiredCents, books.AvailableCents));
        var balances = Journal.Balances(lines);
        Assert.Equal(0, balances[Accounts.Municipality]);
        Assert.All(books.Cheques.Keys, id => Assert.Equal(0, balances.GetValueOrDefault(Accounts.Cheque(id))));
    }

    [Fact]
    public void own_money_added_to_a_funded_idea_is_part_of_its_budget()
    {
        Propose(1_200);
        Pledge(0, 400); Pledge(1, 400); Pledge(2, 200);
        var topUp = Guid.NewGuid();
        _world.Commit(StartTopUpHandler.Handle(new StartTopUp(TheIdea.Id, topUp, 200), TheIdea, Program, Now));
        _world.Commit(RecordTopUpPaymentHandler.Handle(new RecordTopUpPayment(TheIdea.Id, topUp, 200, "pi_1"), TheIdea, Program, Now));

        Assert.Equal(IdeaState.Funded, TheIdea.State);
        Assert.Equal((200L, 1_000L, 1_200L), (Figures.ToppedUpCents, Figures.CommittedCents, _world.Books.UnspentBudgetsCents));
        Assert.Equal(-200, Balances[Accounts.Stripe]);
        Assert.True(Figures.Reconciles);
    }

    [Fact]
    public void the_books_come_out_the_same_whether_folded_at_once_or_event_by_event()
    {
        Propose(1_000);
        Pledge(0, 400); Pledge(1, 400);

        var atOnce = Books.Fold(_world.Log);

        Assert.Equal(_world.Books.Figures() with { ByBuurt = [], ByIdea = [] }, atOnce.Figures() with { ByBuurt = [], ByIdea = [] });
        Assert.Equal(_world.Books.Figures().ByIdea, atOnce.Figures().ByIdea);
    }

    [Fact]
    public void books_that_do_not_add_up_say_so()
    {
        var tampered = _world.Books with { AvailableCents = _world.Books.AvailableCents - 1 };

        Assert.False(tampered.Figures().Reconciles);
        Assert.False(tampered.IssuedReconciles);
    }
}
