using System.Text;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Ledger;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Properties;

public enum Act
{
    Activate, Propose, Approve, Reject, WithdrawIdea, Pledge, WithdrawPledges, Collect, Block, Reissue,
    StartTopUp, PayTopUp, SubmitExpense, ApproveExpense, RejectExpense, PayExpense, Complete, PassTime, DeliverMessages, Close,
    ExpireCheckout, DeliverWebhooks, ReplayWebhook,
}

/// <summary>One random step; A, B and C pick the cheque, idea, amount, ... among what exists at that moment.</summary>
public sealed record Step(Act Act, int A, int B, int C)
{
    public override string ToString() => $"{Act}({A},{B},{C})";
}

/// <summary>The program a run starts with: random rules within what CreateProgram accepts.</summary>
public sealed record Setup(long ChequeValueCents, int MinHouseholds, long MinPledgeCents, bool Moderation, int Households)
{
    public override string ToString() => $"value={ChequeValueCents} minHouseholds={MinHouseholds} minPledge={MinPledgeCents} moderation={Moderation} households={Households}";
}

/// <summary>
/// Runs random command sequences through the pure handlers with an in-memory fold and checks after every step that
/// the money reconciles and no rule was broken. A refused command (RuleViolation) is a normal outcome; any other
/// exception, or a broken invariant, fails the run with the steps that led to it.
/// </summary>
public sealed class Simulation
{
    private static readonly Guid Staff = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid OtherStaff = Guid.Parse("00000000-0000-0000-0000-0000000000a2");

    private readonly World _world = new();
    private readonly Setup _setup;
    private readonly Guid _programId = Guid.NewGuid();
    private readonly List<(Guid IdeaId, Guid TopUpId)> _topUps = [];
    private readonly List<(Guid IdeaId, Guid ExpenseId)> _expenses = [];
    private readonly List<string> _trace = [];
    private readonly FakeStripe _stripe = new();
    /// <summary>Webhooks Stripe has yet to deliver (in any order, some twice), and every one it ever sent (to replay late).</summary>
    private readonly List<object> _webhooks = [];
    private readonly List<object> _sentWebhooks = [];
    private DateTimeOffset _now = Clock.Now;
    private int _ids;

    public static Dictionary<string, int> Seen { get; } = [];   // which events all runs together produced
    public static Dictionary<string, int> Refused { get; } = [];   // which rules said no, per act

    public Simulation(Setup setup) => _setup = setup;

    private Program Program => _world.Get<Program>(_programId);
    private IReadOnlyList<Cheque> Cheques => _world.All<Cheque>();
    private IReadOnlyList<Idea> Ideas => _world.All<Idea>();

    public void Run(IReadOnlyList<Step> steps)
    {
        Start();
        Check("setup");
        foreach (var step in steps)
        {
            Do(step);
            Check(step.ToString());
        }
        Settle();
        Check("settling");
        CheckEveryCentAccounted();
        lock (Seen)
            foreach (var (_, e) in _world.Log) Seen[e.GetType().Name] = Seen.GetValueOrDefault(e.GetType().Name) + 1;
    }

    private void Start()
    {
        var rules = new ProgramRules(_setup.MinHouseholds, _setup.MinPledgeCents,
            Math.Max(_setup.MinHouseholds * _setup.MinPledgeCents, 5_000), _setup.Moderation, TopUps: true, MaxTopUpCents: 2_000);
        Commit(() => CreateProgramHandler.Handle(new CreateProgram(_programId, "Seghwaert Doet", "GM0637",
            [Buurten.Tuinen, Buurten.Vaarten], _setup.ChequeValueCents, _now, _now.AddDays(60), rules), _now));
        var csv = new StringBuilder("postcode;huisnummer;huisletter;toevoeging;straat;buurtcode\n");
        for (var i = 0; i < _setup.Households; i++)
            csv.Append($"2725 AB;{i + 1};;;{(i % 2 == 0 ? "Dorpsstraat" : "Kerkstraat")};{(i % 3 == 2 ? Buurten.Vaarten.Code : Buurten.Tuinen.Code)}\n");
        var registerId = HouseholdRegister.StreamIdFor(_programId);
        Commit(() => ImportHouseholdsHandler.Handle(new ImportHouseholds(_programId, csv.ToString()), Program, _world.Get<HouseholdRegister>(registerId), _now));
        Commit(() => OpenProgramHandler.Handle(new OpenProgram(_programId), Program, _now));
        var households = _world.Log.Select(e => e.Data).OfType<HouseholdsImported>().SelectMany(e => e.Households).ToList();
        Commit(() => IssueChequesHandler.Handle(new IssueCheques(_programId), Program, households, _now));
        if (Cheques.Count != _setup.Households) throw new InvalidOperationException("Setup did not issue a cheque to every household.");
        // Most letters have been scanned by the time ideas come; a few stay paper-only for batch collection.
        foreach (var cheque in Cheques.Where((_, i) => i % 4 != 3))
            Commit(() => ActivateChequeHandler.Handle(new ActivateCheque(cheque.Id), cheque, Program, _now));
    }

    private void Do(Step s)
    {
        _trace.Add(s.ToString());
        // Mostly pick what the act can work on (a neighbour for a pledge, a funded idea for an expense), sometimes anything,
        // so that both the paths that succeed and the rules that refuse get exercised.
        var idea = Pick(s.A % 4 == 0 ? Ideas : Ideas.Where(i => Suits(s.Act, i)).ToList(), s.B) ?? Pick(Ideas, s.B);
        var cheque = Pick(s.B % 4 == 0 ? Cheques
                : Cheques.Where(c => Suits(s.Act, c) && (idea is null || s.Act is Act.Propose || idea.Scope.Includes(c.Street, c.BuurtCode))).ToList(), s.A)
            ?? Pick(Cheques, s.A);
        var rules = Program.Rules;
        switch (s.Act)
        {
            case Act.Activate:
                Commit(() => ActivateChequeHandler.Handle(new ActivateCheque(cheque!.Id), cheque, Program, _now));
                break;
            case Act.Propose:
                var target = Math.Min(rules.MaxIdeaTargetCents, rules.MinIdeaTargetCents + s.C % 2_000);
                var scope = s.B % 2 == 0 ? Scope.ForBuurt(cheque!.BuurtCode) : Scope.ForStreet(cheque!.BuurtCode, cheque.Street);
                var deadline = Min(_now.AddHours(12 + s.C % 480), Program.ClosesAt);
                Commit(() => ProposeIdeaHandler.Handle(new ProposeIdea(NewId(), cheque.Id, "Idee " + s.C, "", scope, target, deadline), cheque, Program, _now));
                break;
            case Act.Approve when idea is not null:
                Commit(() => ApproveIdeaHandler.Handle(new ApproveIdea(idea.Id, Staff), idea, Program, _now));
                break;
            case Act.Reject when idea is not null:
                Commit(() => RejectIdeaHandler.Handle(new RejectIdea(idea.Id, Staff, "Past niet"), idea, _now));
                break;
            case Act.WithdrawIdea when idea is not null:
                var byHousehold = s.C % 3 == 0 ? (Guid?)null : s.C % 3 == 1 ? idea.InitiatorHouseholdId : cheque!.HouseholdId;
                Commit(() => WithdrawIdeaHandler.Handle(new WithdrawIdea(idea.Id, byHousehold, byHousehold is null ? Staff : null), idea, _now));
                break;
            case Act.Pledge when idea is not null:
                var amount = (s.C % 6) switch
                {
                    0 => rules.MinPledgeCents,
                    1 => cheque!.AvailableCents,
                    2 => idea.StillNeededCents,
                    3 => -(s.C % 50),
                    _ => 1 + s.C % 1_000,
                };
                Commit(() => PledgeHandler.Handle(new Pledge(idea.Id, cheque!.Id, amount), idea, cheque, Program, _now));
                break;
            case Act.WithdrawPledges when idea is not null:
                Commit(() => WithdrawPledgesHandler.Handle(new WithdrawPledges(idea.Id, cheque!.Id), idea, cheque, Program, _now));
                break;
            case Act.Collect when idea is not null:
                var collector = s.C % 5 == 0 ? cheque!.HouseholdId : idea.InitiatorHouseholdId;
                Commit(() => CollectChequeHandler.Handle(new CollectCheque(idea.Id, cheque!.Id, collector), idea, cheque, Program, _now));
                break;
            case Act.Block:
                Commit(() => BlockChequeHandler.Handle(new BlockCheque(cheque!.Id, Staff, "Kwijt"), cheque, Program, _now));
                break;
            case Act.Reissue:
                Commit(() => ReissueChequeHandler.Handle(new ReissueCheque(cheque!.Id, Staff), cheque, Program, _now));
                break;
            case Act.StartTopUp when idea is not null:
                var topUp = NewId();
                if (Commit(() => StartTopUpHandler.Handle(new StartTopUp(idea.Id, topUp, 1 + s.C % 1_500), idea, Program, _now)))
                    _topUps.Add((idea.Id, topUp));
                break;
            case Act.PayTopUp when _topUps.Count > 0:
                // The resident pays at Stripe; Stripe says so by webhook, at once or later (DeliverWebhooks).
                var (topUpIdea, topUpId) = _topUps[s.C % _topUps.Count];
                var paid = _world.Get<Idea>(topUpIdea).TopUps[topUpId].AmountCents;
                if (_stripe.Pay(topUpId, paid) is { } payment)
                {
                    _webhooks.Add(new RecordTopUpPayment(topUpIdea, topUpId, paid, payment));
                    if (s.A % 2 == 0) DeliverWebhooks(s.B);
                }
                break;
            case Act.ExpireCheckout when _topUps.Count > 0:
                var (lapseIdea, lapseId) = _topUps[s.C % _topUps.Count];
                if (_stripe.Expire(lapseId)) _webhooks.Add(new RecordTopUpLapse(lapseIdea, lapseId, s.A % 3 == 0 ? TopUpLapse.Failed : TopUpLapse.Expired));
                break;
            case Act.DeliverWebhooks:
                DeliverWebhooks(s.C);
                break;
            case Act.ReplayWebhook when _sentWebhooks.Count > 0:
                // Stripe delivers at least once, for days: any event may come again.
                _webhooks.Add(_sentWebhooks[s.C % _sentWebhooks.Count]);
                if (s.A % 2 == 0) DeliverWebhooks(s.B);
                break;
            case Act.SubmitExpense when idea is not null:
                var expense = NewId();
                var byConnector = s.A % 4 == 0 ? Staff : (Guid?)null;
                if (Commit(() => SubmitExpenseHandler.Handle(new SubmitExpense(idea.Id, expense, idea.InitiatorHouseholdId, 1 + s.C % 800,
                        "Bouwmarkt", "Materiaal", "bon.jpg", byConnector), idea, _now)))
                    _expenses.Add((idea.Id, expense));
                break;
            case Act.ApproveExpense or Act.RejectExpense or Act.PayExpense when _expenses.Count > 0:
                var (expenseIdea, expenseId) = _expenses[s.C % _expenses.Count];
                var owner = _world.Get<Idea>(expenseIdea);
                var staff = s.A % 2 == 0 ? Staff : OtherStaff;
                Commit(() => s.Act switch
                {
                    Act.ApproveExpense => DecideExpenseHandler.Handle(new ApproveExpense(expenseIdea, expenseId, staff), owner, _now),
                    Act.RejectExpense => DecideExpenseHandler.Handle(new RejectExpense(expenseIdea, expenseId, staff, "Geen bon"), owner, _now),
                    _ => DecideExpenseHandler.Handle(new MarkExpensePaid(expenseIdea, expenseId, staff, "NL-" + s.C), owner, _now),
                });
                break;
            case Act.Complete when idea is not null:
                Commit(() => CompleteIdeaHandler.Handle(new CompleteIdea(idea.Id, Staff), idea, _now));
                break;
            case Act.PassTime:
                _now = _now.AddHours(1 + s.C % 72);
                Deliver(_world.TakeDue(_now, m => m is ExpireIdea or CloseProgram));
                break;
            case Act.DeliverMessages:
                Deliver(_world.TakeDue(_now, m => m is ForwardReleasedCredit or RefundTopUp or ExpireTopUpCheckout), s.C);
                break;
            case Act.Close when s.C % 10 == 0:
                Commit(() => CloseProgramHandler.Handle(new CloseProgram(_programId), Program, Ideas.Where(i => !i.IsFinal).ToList(), _now));
                break;
        }
    }

    private void Deliver(IReadOnlyList<object> messages, int chaos = -1)
    {
        var n = 0;
        foreach (var message in messages)
        {
            n++;
            switch (message)
            {
                case ExpireIdea m:
                    Commit(() => ExpireIdeaHandler.Handle(m, _world.Get<Idea>(m.IdeaId), _now));
                    break;
                case CloseProgram m:
                    Commit(() => CloseProgramHandler.Handle(m, Program, Ideas.Where(i => !i.IsFinal).ToList(), _now));
                    break;
                case ForwardReleasedCredit m:
                    Commit(() => ForwardReleasedCreditHandler.Handle(m, _world.Get<Cheque>(m.ChequeId), Program, _now));
                    break;
                case RefundTopUp m:
                    Refund(m, chaos < 0 ? RefundFate.Succeeds : (RefundFate)((chaos + n) % 6));
                    break;
                case ExpireTopUpCheckout m:   // the worker closes the checkout; Stripe says so by webhook (unless it was paid)
                    if (_stripe.Expire(m.TopUpId)) _webhooks.Add(new RecordTopUpLapse(m.IdeaId, m.TopUpId, TopUpLapse.Expired));
                    break;
                default:
                    throw new InvalidOperationException($"No one handles {message.GetType().Name}.");
            }
        }
    }

    private enum RefundFate { Fails, CrashesBeforeStripe, CrashesAfterStripe, DeliveredTwice, Succeeds, Pending }

    /// <summary>
    /// What the payments worker (TopUpRefunds) does with a RefundTopUp: nothing when the top-up no longer awaits a refund;
    /// else a refund at Stripe under the key the top-up's stream gives (RefundKeys), reported back by webhook. Trouble: the
    /// bank refuses it (refund.failed), the worker dies before or after calling Stripe (the message comes again), the
    /// message comes twice, the refund stays pending a while (refund.updated later).
    /// </summary>
    private void Refund(RefundTopUp m, RefundFate fate)
    {
        var topUp = _world.Get<Idea>(m.IdeaId).TopUps[m.TopUpId];
        if (!topUp.AwaitsRefund) return;
        if (fate == RefundFate.CrashesBeforeStripe) { _world.Outbox.Add(new OutgoingMessage(m)); return; }
        var (refundId, status) = _stripe.Refund(m.PaymentReference, RefundKeys.For(topUp), fails: fate == RefundFate.Fails);
        switch (fate)
        {
            case RefundFate.CrashesAfterStripe:
                _world.Outbox.Add(new OutgoingMessage(m));   // not acknowledged: delivered again, same key
                break;
            case RefundFate.DeliveredTwice:
                _world.Outbox.Add(new OutgoingMessage(m));
                goto default;
            case RefundFate.Pending:
                _webhooks.Add(status == "failed" ? new RecordTopUpRefundFailure(m.IdeaId, m.TopUpId, refundId) : new RecordTopUpRefund(m.IdeaId, m.TopUpId, refundId));
                break;
            default:
                Commit(() => status == "failed"
                    ? RecordTopUpRefundFailureHandler.Handle(new RecordTopUpRefundFailure(m.IdeaId, m.TopUpId, refundId), _world.Get<Idea>(m.IdeaId), _now)
                    : RecordTopUpRefundHandler.Handle(new RecordTopUpRefund(m.IdeaId, m.TopUpId, refundId), _world.Get<Idea>(m.IdeaId), _now));
                if (status == "failed") _webhooks.Add(new RecordTopUpRefundFailure(m.IdeaId, m.TopUpId, refundId));   // refund.failed too
                break;
        }
    }

    /// <summary>Stripe's webhooks, in an order <paramref name="seed"/> picks, some twice; each is handled as the webhook endpoint does.</summary>
    private void DeliverWebhooks(int seed)
    {
        var batch = _webhooks.ToList();
        _webhooks.Clear();
        var order = batch.Select((w, i) => (w, key: (i * 7919 + seed) % 101)).OrderBy(x => x.key).Select(x => x.w).ToList();
        if (seed % 3 == 0 && order.Count > 0) order.Add(order[seed % order.Count]);
        foreach (var webhook in order)
        {
            _sentWebhooks.Add(webhook);
            _trace.Add($"  webhook {webhook}");
            switch (webhook)
            {
                case RecordTopUpPayment c: Commit(() => RecordTopUpPaymentHandler.Handle(c, _world.Get<Idea>(c.IdeaId), Program, _now)); break;
                case RecordTopUpLapse c: Commit(() => RecordTopUpLapseHandler.Handle(c, _world.Get<Idea>(c.IdeaId), _now)); break;
                case RecordTopUpRefund c: Commit(() => RecordTopUpRefundHandler.Handle(c, _world.Get<Idea>(c.IdeaId), _now)); break;
                case RecordTopUpRefundFailure c: Commit(() => RecordTopUpRefundFailureHandler.Handle(c, _world.Get<Idea>(c.IdeaId), _now)); break;
            }
            Check($"webhook {webhook}");
        }
    }

    /// <summary>Everything still on its way arrives (time passes, messages and webhooks are delivered) until nothing moves.</summary>
    private void Settle()
    {
        _trace.Add("settle");
        static bool Moving(object m) => m is RefundTopUp or ForwardReleasedCredit or ExpireTopUpCheckout;
        for (var round = 0; round < 50 && (_webhooks.Count > 0 || _world.Outbox.Any(m => Moving(m.Message))); round++)
        {
            DeliverWebhooks(round);
            _now = _now.AddHours(2);   // past any refund's retry pause
            Deliver(_world.TakeDue(_now, Moving));
        }
        if (_webhooks.Count > 0 || _world.Outbox.Any(m => Moving(m.Message))) Fail("nothing settles: messages or webhooks keep coming");
    }

    /// <summary>
    /// Every cent at Stripe is accounted for once everything arrived: no payment refunded more than once; what Stripe
    /// still holds is exactly what counts toward ideas that did not fail (the journal's payments:stripe account).
    /// </summary>
    private void CheckEveryCentAccounted()
    {
        var topUps = Ideas.SelectMany(i => i.TopUps.Values.Select(t => (Idea: i, TopUp: t))).ToList();
        foreach (var (idea, t) in topUps)
        {
            var paid = _stripe.PaidFor(t.TopUpId);
            var refunded = _stripe.RefundedFor(t.TopUpId);
            if (refunded > paid) Fail($"top-up {t.TopUpId}: refunded {refunded} of {paid} paid");
            (long Paid, long Refunded) expected = t.State switch
            {
                TopUpState.Received => (t.AmountCents, 0L),
                TopUpState.Refunded => (t.AmountCents, t.AmountCents),
                TopUpState.Started or TopUpState.Expired or TopUpState.Failed => (0L, 0L),
                _ => (-1L, -1L),   // TurnedAway / RefundDue must have settled
            };
            if ((paid, refunded) != expected)
                Fail($"top-up {t.TopUpId} ({t.State}, idea {idea.State}): Stripe paid {paid}, refunded {refunded}, expected {expected}");
        }
        var held = _stripe.HeldCents;
        var counted = Ideas.Where(i => i.State is IdeaState.Open or IdeaState.Funded or IdeaState.Completed).Sum(i => i.ToppedUpCents);
        if (held != counted) Fail($"Stripe holds {held}, ideas count {counted} topped up");
        if (Journal.Balances(_world.Journal).GetValueOrDefault(Accounts.Stripe) != -held) Fail("payments:stripe does not mirror Stripe");
    }

    /// <summary>True when committed; a rule saying no is a normal outcome and changes nothing.</summary>
    private bool Commit(Func<Events> handle)
    {
        Events events;
        try
        {
            events = handle();
        }
        catch (RuleViolation refused)
        {
            if (!ErrorCodes.All.Contains(refused.Code)) Fail($"unknown error code {refused.Code}");
            if (string.IsNullOrWhiteSpace(refused.Message)) Fail($"{refused.Code} without a message");
            _trace[^1] += $" -> {refused.Code}";
            lock (Refused) Refused[$"{_trace[^1].Split('(')[0]}:{refused.Code}"] = Refused.GetValueOrDefault($"{_trace[^1].Split('(')[0]}:{refused.Code}") + 1;
            return false;
        }
        _world.Commit(events);
        return true;
    }

    private void Check(string after)
    {
        var books = _world.Books;
        var program = Program;
        var closed = program.State == ProgramState.Closed;
        var minHouseholds = program.Rules.MinHouseholdsPerIdea;

        Require(books.IssuedReconciles, $"issued {books.IssuedCents} != available {books.AvailableCents} + pledgedOpen {books.PledgedOpenCents} + committed {books.CommittedCents} + expired {books.ExpiredCents}");
        Require(books.FundedReconciles, $"committed {books.CommittedCents} + top-ups to funded {books.TopUpsToFundedCents} != spent {books.SpentCents} + unspent {books.UnspentBudgetsCents} + returned {books.ReturnedCents}");
        Require(books.Figures().Reconciles, "the audit figures do not reconcile");
        // The audit projection's contract (BooksKeys): books cut down to what the rest of the log names, then folded
        // on, give the whole fold's figures. Cut at the middle and just before the last few events (a typical tail).
        var figures = System.Text.Json.JsonSerializer.Serialize(books.Figures());
        foreach (var cut in new[] { _world.Log.Count / 2, Math.Max(0, _world.Log.Count - 3) })
        {
            var rest = _world.Log.Skip(cut).ToList();
            var resumed = rest.Aggregate(BooksKeys.Of(rest.Select(e => e.Data)).Only(Books.Fold(_world.Log.Take(cut))),
                (b, e) => b.Apply(e.StreamId, e.Data));
            Require(System.Text.Json.JsonSerializer.Serialize(resumed.Figures()) == figures, $"the books resumed at event {cut} of {_world.Log.Count} differ from the whole fold");
        }
        Require(books.IssuedCents == _setup.Households * _setup.ChequeValueCents, "issued is not one cheque value per household");

        Require(_world.Journal.All(l => l.AmountCents > 0), "a journal line without a positive amount");
        var balances = Journal.Balances(_world.Journal);
        Require(balances.Values.Sum() == 0, "the journal does not sum to zero");
        Require(balances.GetValueOrDefault(Accounts.Municipality) == books.ExpiredCents - books.IssuedCents, "municipality account != expired - issued");
        Require(balances.GetValueOrDefault(Accounts.Spent) == books.SpentCents, "spent account != spent");
        Require(balances.GetValueOrDefault(Accounts.Returned) == books.ReturnedCents, "returned account != returned");
        Require(balances.GetValueOrDefault(Accounts.Stripe) == books.RefundedCents - books.ToppedUpCents, "stripe account != refunded - topped up");

        foreach (var cheque in Cheques)
        {
            var account = balances.GetValueOrDefault(Accounts.Cheque(cheque.Id));
            Require(cheque.AvailableCents >= 0, $"cheque {cheque.Id} is below zero: {cheque.AvailableCents}");
            Require(account >= 0, $"cheque account {cheque.Id} is below zero");
            Require(account == books.Cheques[cheque.Id].BalanceCents, $"cheque {cheque.Id}: journal {account} != books {books.Cheques[cheque.Id].BalanceCents}");
            Require(closed ? account == 0 : account == cheque.AvailableCents, $"cheque {cheque.Id}: journal {account} != aggregate {cheque.AvailableCents}");
        }
        if (!closed) Require(Cheques.Sum(c => c.AvailableCents) == books.AvailableCents, "the cheques' credit != available");

        foreach (var idea in Ideas)
        {
            var entry = books.Ideas[idea.Id];
            Require(idea.TotalCents <= idea.TargetCents, $"idea {idea.Id} is over its target: {idea.TotalCents} > {idea.TargetCents}");
            Require(idea.PledgedCents >= 0 && idea.PledgedCents == idea.Pledges.Values.Sum(p => p.AmountCents), $"idea {idea.Id} pledges do not add up");
            Require(entry.State == idea.State, $"idea {idea.Id}: books say {entry.State}, aggregate {idea.State}");
            Require(idea.ClaimedCents <= idea.BudgetCents, $"idea {idea.Id} claims {idea.ClaimedCents} of a budget of {idea.BudgetCents}");
            if (idea.State is IdeaState.Funded or IdeaState.Completed)
            {
                Require(idea.HouseholdCount >= minHouseholds, $"idea {idea.Id} funded with {idea.HouseholdCount} < {minHouseholds} households");
                Require(idea.TotalCents == idea.TargetCents, $"idea {idea.Id} funded below its target");
            }
            if (idea.State is IdeaState.Submitted or IdeaState.Open)
                Require(idea.TotalCents < idea.TargetCents, $"idea {idea.Id} reached its target without being funded");
            var refundDue = idea.TopUps.Values.Where(t => t.State == TopUpState.RefundDue).Sum(t => t.AmountCents);
            var expected = idea.State switch
            {
                IdeaState.Submitted or IdeaState.Open => idea.TotalCents,
                IdeaState.Funded => idea.TargetCents - idea.SpentCents,
                IdeaState.Completed => 0,
                _ => refundDue,
            };
            Require(balances.GetValueOrDefault(Accounts.Idea(idea.Id)) == expected,
                $"idea {idea.Id} ({idea.State}) account {balances.GetValueOrDefault(Accounts.Idea(idea.Id))} != {expected}");
        }
        Require(Ideas.Where(i => i.State == IdeaState.Open).Sum(i => i.PledgedCents) == books.PledgedOpenCents, "open ideas' pledges != pledgedOpen");
        Require(Ideas.Where(i => i.State is IdeaState.Funded or IdeaState.Completed).Sum(i => i.TargetCents - i.ToppedUpCents) == books.CommittedCents,
            "funded ideas' pledges != committed");

        void Require(bool ok, string what)
        {
            if (!ok) Fail($"after {after}: {what}");
        }
    }

    private void Fail(string what) =>
        throw new InvalidOperationException($"{what}\nsetup: {_setup}\nsteps:\n  {string.Join("\n  ", _trace)}");

    private static bool Suits(Act act, Idea idea) => act switch
    {
        Act.Approve => idea.State == IdeaState.Submitted,
        Act.Pledge or Act.Collect or Act.WithdrawPledges or Act.StartTopUp or Act.Reject or Act.WithdrawIdea => idea.State == IdeaState.Open,
        Act.SubmitExpense or Act.Complete => idea.State == IdeaState.Funded,
        _ => true,
    };

    private static bool Suits(Act act, Cheque cheque) => act switch
    {
        Act.Activate or Act.Collect => cheque.State is ChequeState.Issued or ChequeState.Activated,
        Act.Block or Act.Reissue => true,
        _ => cheque.State == ChequeState.Activated,
    };

    /// <summary>
    /// Stripe as far as money goes: a checkout is paid once or expires, a refund's idempotency key gives the same refund
    /// every time it is sent, and a payment cannot be refunded beyond what was paid (Stripe's 400).
    /// </summary>
    private sealed class FakeStripe
    {
        private readonly Dictionary<Guid, string> _sessions = [];             // top-up -> paid | expired
        private readonly Dictionary<string, (Guid TopUp, long Amount)> _payments = [];
        private readonly Dictionary<string, (string Id, string Payment, long Amount, string Status)> _refunds = [];   // by key

        public string? Pay(Guid topUpId, long amount)
        {
            if (_sessions.ContainsKey(topUpId)) return null;   // paid or expired: the page no longer takes money
            _sessions[topUpId] = "paid";
            var payment = "pi_" + topUpId.ToString("N");
            _payments[payment] = (topUpId, amount);
            return payment;
        }

        public bool Expire(Guid topUpId) => _sessions.TryAdd(topUpId, "expired");

        public (string Id, string Status) Refund(string payment, string key, bool fails)
        {
            if (_refunds.TryGetValue(key, out var replay)) return (replay.Id, replay.Status);
            var (_, amount) = _payments[payment];
            var left = amount - _refunds.Values.Where(r => r.Payment == payment && r.Status == "succeeded").Sum(r => r.Amount);
            if (left < amount) throw new InvalidOperationException($"Stripe 400 charge_already_refunded: {payment} refunded twice (key {key})");
            var refund = ("re_" + _refunds.Count, payment, amount, fails ? "failed" : "succeeded");
            _refunds[key] = refund;
            return (refund.Item1, refund.Item4);
        }

        public long PaidFor(Guid topUpId) => _payments.Values.Where(p => p.TopUp == topUpId).Sum(p => p.Amount);
        public long RefundedFor(Guid topUpId) =>
            _refunds.Values.Where(r => r.Status == "succeeded" && _payments[r.Payment].TopUp == topUpId).Sum(r => r.Amount);
        public long HeldCents => _payments.Values.Sum(p => p.Amount) - _refunds.Values.Where(r => r.Status == "succeeded").Sum(r => r.Amount);
    }

    private static T? Pick<T>(IReadOnlyList<T> items, int index) where T : class => items.Count == 0 ? null : items[index % items.Count];
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    private Guid NewId() => new(Interlocked.Increment(ref _ids), 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);
}
