using System.Collections.Immutable;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ledger;

public sealed record ChequeEntry(Guid HouseholdId, string BuurtCode, long BalanceCents, bool Activated);

/// <summary>
/// One idea's money. <see cref="Households"/> counts the keys of <see cref="PledgedByHousehold"/>: kept beside the map so
/// that a partial state (the audit projection loads only the households a batch of events touches) counts right.
/// </summary>
public sealed record IdeaEntry(Guid IdeaId, string Title, string BuurtCode, long TargetCents, IdeaState State,
    ImmutableDictionary<Guid, long> PledgedByHousehold, long PledgedCents, long ToppedUpCents, long RefundedCents,
    long SpentCents, long ReturnedCents, ImmutableHashSet<Guid> AcceptedTopUps, int Households = 0)
{
    public bool IsFundedOrCompleted => State is IdeaState.Funded or IdeaState.Completed;
}

/// <summary>
/// One buurt's figures. A household counts as activated or pledging in the buurt of the cheque through which it FIRST
/// activated or pledged: a household has one address, so all its cheques (a replacement too) are in one buurt.
/// </summary>
public sealed record BuurtEntry(string Code, string Name, int Households, int Cheques, long IssuedCents,
    int Activated, int Pledging, int Ideas, int Funded);

/// <summary>
/// The program's money, folded event by event from (stream id, event) in sequence order: the same code serves a
/// test, the journal, and the audit projection (ReadModels/Audit). Running totals keep the first equation cheap; the
/// second one is summed over the ideas. Events the books do not know are ignored.
/// <para>
/// Every figure is a running total or a count, never the size of a map or set: the maps and sets keyed by cheque or
/// household are only asked about the keys an event names. So the books may also be resumed from a PARTIAL state (the
/// totals, the counts, every idea and buurt, and only those cheques and households that the next events name) and
/// fold those events to exactly the figures of a fold of the whole log. The audit projection relies on this.
/// </para>
/// </summary>
public sealed record Books(
    Guid ProgramId,
    bool Closed,
    long IssuedCents,
    long ActivatedCents,
    long AvailableCents,
    long PledgedOpenCents,
    long CommittedCents,
    long SpentCents,
    long ReturnedCents,
    long ExpiredCents,
    long ToppedUpCents,
    long RefundedCents,
    int Households,
    ImmutableDictionary<Guid, ChequeEntry> Cheques,
    ImmutableDictionary<Guid, IdeaEntry> Ideas,
    ImmutableDictionary<string, BuurtEntry> Buurten,
    ImmutableDictionary<Guid, long> IssuedPerHousehold,
    ImmutableHashSet<Guid> ActivatedHouseholds,
    ImmutableHashSet<Guid> PledgingHouseholds,
    int ActivatedCount = 0,
    int PledgingCount = 0)
{
    public static Books Empty { get; } = new(Guid.Empty, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ImmutableDictionary<Guid, ChequeEntry>.Empty, ImmutableDictionary<Guid, IdeaEntry>.Empty,
        ImmutableDictionary<string, BuurtEntry>.Empty, ImmutableDictionary<Guid, long>.Empty, [], []);

    public static Books Fold(IEnumerable<(Guid StreamId, object Data)> events) =>
        events.Aggregate(Empty, (books, e) => books.Apply(e.StreamId, e.Data));

    public Books Apply(Guid streamId, object evt) => evt switch
    {
        ProgramCreated e => this with
        {
            ProgramId = e.ProgramId,
            Buurten = e.Buurten.ToImmutableDictionary(b => b.Code, b => new BuurtEntry(b.Code, b.Name, 0, 0, 0, 0, 0, 0, 0)),
        },
        ProgramClosed when !Closed => this with
        {
            Closed = true,
            // Every cheque's available credit expires and returns to the municipality.
            ExpiredCents = ExpiredCents + AvailableCents,
            AvailableCents = 0,
            Cheques = Cheques.SetItems(Cheques.Where(c => c.Value.BalanceCents != 0)
                .Select(c => KeyValuePair.Create(c.Key, c.Value with { BalanceCents = 0 }))),
        },
        HouseholdsImported e => this with
        {
            Households = Households + e.Households.Count,
            Buurten = e.Households.GroupBy(h => h.BuurtCode).Aggregate(Buurten, (b, g) =>
                Buurt(b, g.Key, x => x with { Households = x.Households + g.Count() })),
        },
        ChequeIssued e => Issued(e),
        ChequeActivated e => Activated(e),
        // A move between two cheques is booked whole on ONE event, so a concurrent close can never fall between its
        // halves. After the close it is expired credit moving between expired cheques: nothing.
        ChequeReissued e when !Closed => Move(e.ChequeId, e.NewChequeId, e.CarriedCents),
        CreditPledged e => Pledged(e),
        CreditReleased e when Closed => WithCheque(e.ChequeId, 0) with { ExpiredCents = ExpiredCents + e.AmountCents },
        CreditReleased e => WithCheque(e.ChequeId, e.AmountCents),
        CreditForwarded e when !Closed => Move(e.ChequeId, e.ToChequeId, e.AmountCents),
        IdeaProposed e => this with
        {
            Ideas = Ideas.SetItem(e.IdeaId, new IdeaEntry(e.IdeaId, e.Title, e.Scope.BuurtCode, e.TargetCents, IdeaState.Submitted,
                ImmutableDictionary<Guid, long>.Empty, 0, 0, 0, 0, 0, [])),
            Buurten = Buurt(Buurten, e.Scope.BuurtCode, b => b with { Ideas = b.Ideas + 1 }),
        },
        IdeaApproved e => WithIdea(e.IdeaId, i => i with { State = IdeaState.Open }),
        IdeaRejected e => WithIdea(e.IdeaId, i => i with { State = IdeaState.Rejected }),
        IdeaWithdrawn e => WithIdea(e.IdeaId, i => i with { State = IdeaState.Withdrawn }),
        IdeaExpired e => WithIdea(e.IdeaId, i => i with { State = IdeaState.Expired }),
        PledgeReceived e => WithIdea(e.IdeaId, i => i with
        {
            PledgedByHousehold = i.PledgedByHousehold.SetItem(e.HouseholdId, i.PledgedByHousehold.GetValueOrDefault(e.HouseholdId) + e.AmountCents),
            Households = i.Households + (i.PledgedByHousehold.ContainsKey(e.HouseholdId) ? 0 : 1),
            PledgedCents = i.PledgedCents + e.AmountCents,
        }) with { PledgedOpenCents = PledgedOpenCents + e.AmountCents },
        PledgeWithdrawn e => WithIdea(e.IdeaId, i => i with
        {
            PledgedByHousehold = i.PledgedByHousehold.Remove(e.HouseholdId),
            Households = i.Households - (i.PledgedByHousehold.ContainsKey(e.HouseholdId) ? 1 : 0),
            PledgedCents = i.PledgedCents - e.AmountCents,
        }) with { PledgedOpenCents = PledgedOpenCents - e.AmountCents },
        PledgesReleased e => WithIdea(e.IdeaId, i => i with
        {
            PledgedByHousehold = ImmutableDictionary<Guid, long>.Empty,
            Households = 0,
            PledgedCents = i.PledgedCents - e.PledgedCents,
        }) with { PledgedOpenCents = PledgedOpenCents - e.PledgedCents },
        IdeaFunded e => Funded(e),
        IdeaCompleted e => WithIdea(e.IdeaId, i => i with { State = IdeaState.Completed, ReturnedCents = e.ReturnedCents })
            with { ReturnedCents = ReturnedCents + e.ReturnedCents },
        TopUpReceived e => WithIdea(e.IdeaId, i => i with
        {
            ToppedUpCents = i.ToppedUpCents + e.AmountCents, AcceptedTopUps = i.AcceptedTopUps.Add(e.TopUpId),
        }) with { ToppedUpCents = ToppedUpCents + e.AmountCents },
        // A top-up that was turned away never counted, so its refund does not count either.
        TopUpRefunded e when IsAcceptedTopUp(e.IdeaId, e.TopUpId) =>
            WithIdea(e.IdeaId, i => i with { RefundedCents = i.RefundedCents + e.AmountCents })
                with { RefundedCents = RefundedCents + e.AmountCents },
        ExpenseApproved e => WithIdea(e.IdeaId, i => i with { SpentCents = i.SpentCents + e.AmountCents })
            with { SpentCents = SpentCents + e.AmountCents },
        _ => this,
    };

    public bool IsAcceptedTopUp(Guid ideaId, Guid topUpId) =>
        Ideas.TryGetValue(ideaId, out var idea) && idea.AcceptedTopUps.Contains(topUpId);

    /// <summary>Top-ups that stay in funded ideas (never refunded: a funded idea releases nothing).</summary>
    public long TopUpsToFundedCents => Ideas.Values.Where(i => i.IsFundedOrCompleted).Sum(i => i.ToppedUpCents);

    /// <summary>What funded ideas still hold: their budget minus what was spent.</summary>
    public long UnspentBudgetsCents => Ideas.Values.Where(i => i.State == IdeaState.Funded).Sum(i => i.TargetCents - i.SpentCents);

    /// <summary>DOMAIN.md's first equation: every issued cent is available, pledged, committed or expired.</summary>
    public bool IssuedReconciles => IssuedCents == AvailableCents + PledgedOpenCents + CommittedCents + ExpiredCents;

    /// <summary>DOMAIN.md's second equation: what funded ideas got is spent, still in their budgets, or returned.</summary>
    public bool FundedReconciles => CommittedCents + TopUpsToFundedCents == SpentCents + UnspentBudgetsCents + ReturnedCents;

    public bool Reconciles => IssuedReconciles && FundedReconciles;

    public AuditFigures Figures() => new(IssuedCents, ActivatedCents, AvailableCents, PledgedOpenCents, CommittedCents,
        SpentCents, ReturnedCents, ExpiredCents, ToppedUpCents, RefundedCents, Reconciles,
        [.. Buurten.Values.OrderBy(b => b.Code).Select(b => new BuurtFigures(b.Code, b.Name, b.Households, b.Cheques, b.IssuedCents,
            b.Activated, b.Pledging, b.Ideas, b.Funded))],
        [.. Ideas.Values.OrderBy(i => i.IdeaId).Select(i => new IdeaFigures(i.IdeaId, i.Title, i.BuurtCode, i.State, i.TargetCents,
            i.PledgedCents, i.ToppedUpCents, i.RefundedCents, i.Households, i.SpentCents, i.ReturnedCents))],
        new Participation(Households, ActivatedCount, PledgingCount, Ideas.Count,
            Ideas.Values.Count(i => i.IsFundedOrCompleted)));

    private Books Issued(ChequeIssued e)
    {
        var first = e.ReplacesChequeId is null;
        // A replacement's value is the credit ChequeReissued moved onto it; only a first cheque adds money.
        var balance = (Cheques.GetValueOrDefault(e.ChequeId)?.BalanceCents ?? 0) + (first ? e.ValueCents : 0);
        var books = this with
        {
            Cheques = Cheques.SetItem(e.ChequeId, new ChequeEntry(e.HouseholdId, e.BuurtCode, balance, false)),
            AvailableCents = AvailableCents + (first ? e.ValueCents : 0),
        };
        if (!first) return books;
        return books with
        {
            IssuedCents = IssuedCents + e.ValueCents,
            IssuedPerHousehold = IssuedPerHousehold.SetItem(e.HouseholdId, e.ValueCents),
            Buurten = Buurt(Buurten, e.BuurtCode, b => b with { Cheques = b.Cheques + 1, IssuedCents = b.IssuedCents + e.ValueCents }),
        };
    }

    private Books Activated(ChequeActivated e)
    {
        if (!Cheques.TryGetValue(e.ChequeId, out var cheque)) return this;
        var books = this with { Cheques = Cheques.SetItem(e.ChequeId, cheque with { Activated = true }) };
        // A household counts once, also when it activates a replacement after its first cheque.
        if (ActivatedHouseholds.Contains(cheque.HouseholdId)) return books;
        return books with
        {
            ActivatedHouseholds = ActivatedHouseholds.Add(cheque.HouseholdId),
            ActivatedCount = ActivatedCount + 1,
            ActivatedCents = ActivatedCents + IssuedPerHousehold.GetValueOrDefault(cheque.HouseholdId),
            Buurten = Buurt(Buurten, cheque.BuurtCode, b => b with { Activated = b.Activated + 1 }),
        };
    }

    private Books Pledged(CreditPledged e)
    {
        var books = WithCheque(e.ChequeId, -e.AmountCents);
        // A household counts once, in the buurt of the cheque it first pledged from (its only buurt: BuurtEntry).
        if (!Cheques.TryGetValue(e.ChequeId, out var cheque) || PledgingHouseholds.Contains(cheque.HouseholdId)) return books;
        return books with
        {
            PledgingHouseholds = PledgingHouseholds.Add(cheque.HouseholdId),
            PledgingCount = PledgingCount + 1,
            Buurten = Buurt(Buurten, cheque.BuurtCode, b => b with { Pledging = b.Pledging + 1 }),
        };
    }

    private Books Funded(IdeaFunded e)
    {
        if (!Ideas.TryGetValue(e.IdeaId, out var idea)) return this;
        return this with
        {
            Ideas = Ideas.SetItem(e.IdeaId, idea with { State = IdeaState.Funded }),
            // From now on the pledges are committed: they can no longer go back.
            PledgedOpenCents = PledgedOpenCents - idea.PledgedCents,
            CommittedCents = CommittedCents + idea.PledgedCents,
            Buurten = Buurt(Buurten, idea.BuurtCode, b => b with { Funded = b.Funded + 1 }),
        };
    }

    private Books Move(Guid fromChequeId, Guid toChequeId, long amountCents)
    {
        var source = Cheques.GetValueOrDefault(fromChequeId) ?? new ChequeEntry(Guid.Empty, "", 0, false);
        var target = Cheques.GetValueOrDefault(toChequeId) ?? source with { BalanceCents = 0, Activated = false };
        return this with
        {
            Cheques = Cheques.SetItem(fromChequeId, source with { BalanceCents = source.BalanceCents - amountCents })
                .SetItem(toChequeId, target with { BalanceCents = target.BalanceCents + amountCents }),
        };
    }

    private Books WithCheque(Guid chequeId, long deltaCents)
    {
        var cheque = Cheques.GetValueOrDefault(chequeId) ?? new ChequeEntry(Guid.Empty, "", 0, false);
        return this with
        {
            Cheques = Cheques.SetItem(chequeId, cheque with { BalanceCents = cheque.BalanceCents + deltaCents }),
            AvailableCents = AvailableCents + deltaCents,
        };
    }

    private Books WithIdea(Guid ideaId, Func<IdeaEntry, IdeaEntry> change) =>
        Ideas.TryGetValue(ideaId, out var idea) ? this with { Ideas = Ideas.SetItem(ideaId, change(idea)) } : this;

    private static ImmutableDictionary<string, BuurtEntry> Buurt(ImmutableDictionary<string, BuurtEntry> buurten, string code,
        Func<BuurtEntry, BuurtEntry> change) =>
        buurten.SetItem(code, change(buurten.GetValueOrDefault(code) ?? new BuurtEntry(code, code, 0, 0, 0, 0, 0, 0, 0)));
}
