using System.Collections.Immutable;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ledger;

/// <summary>
/// The part of a program's <see cref="Books"/> that some events can read or change, beyond the totals, the counts and
/// every idea and buurt (which are always kept): the cheques they name, the households they name plus the holders of
/// those cheques, and the (idea, household) pledges they name. <see cref="Only"/> cuts books down to that part; folding
/// the events onto the cut gives exactly the figures of folding them onto the whole (the contract the audit projection
/// stands on: it loads only this part from its tables, ReadModels/Audit).
/// </summary>
public sealed class BooksKeys
{
    public HashSet<Guid> Cheques { get; } = [];
    public HashSet<Guid> Households { get; } = [];
    public HashSet<(Guid Idea, Guid Household)> IdeaPledges { get; } = [];
    /// <summary>Ideas whose pledges were all released: every (idea, household) pledge of theirs goes.</summary>
    public HashSet<Guid> ReleasedIdeas { get; } = [];
    /// <summary>Whether the program closes: every cheque's balance goes to zero, also those not named.</summary>
    public bool Closes { get; private set; }

    public static BooksKeys Of(IEnumerable<object> events)
    {
        var keys = new BooksKeys();
        foreach (var e in events) keys.Add(e);
        return keys;
    }

    private void Add(object data)
    {
        switch (data)
        {
            case ChequeIssued e: Cheques.Add(e.ChequeId); Households.Add(e.HouseholdId); break;
            case ChequeActivated e: Cheques.Add(e.ChequeId); break;
            case ChequeReissued e: Cheques.Add(e.ChequeId); Cheques.Add(e.NewChequeId); break;
            case CreditPledged e: Cheques.Add(e.ChequeId); break;
            case CreditReleased e: Cheques.Add(e.ChequeId); break;
            case CreditForwarded e: Cheques.Add(e.ChequeId); Cheques.Add(e.ToChequeId); break;
            case PledgeReceived e: IdeaPledges.Add((e.IdeaId, e.HouseholdId)); break;
            case PledgeWithdrawn e: IdeaPledges.Add((e.IdeaId, e.HouseholdId)); break;
            case PledgesReleased e: ReleasedIdeas.Add(e.IdeaId); break;
            case ProgramClosed: Closes = true; break;
        }
    }

    /// <summary>The books cut down to what these keys name (what the audit projection would load from its tables).</summary>
    public Books Only(Books books)
    {
        var cheques = books.Cheques.Where(c => Cheques.Contains(c.Key)).ToImmutableDictionary();
        var households = Households.Concat(cheques.Values.Select(c => c.HouseholdId)).ToHashSet();
        return books with
        {
            Cheques = cheques,
            IssuedPerHousehold = books.IssuedPerHousehold.Where(h => households.Contains(h.Key)).ToImmutableDictionary(),
            ActivatedHouseholds = [.. books.ActivatedHouseholds.Where(households.Contains)],
            PledgingHouseholds = [.. books.PledgingHouseholds.Where(households.Contains)],
            Ideas = books.Ideas.ToImmutableDictionary(i => i.Key, i => i.Value with
            {
                PledgedByHousehold = i.Value.PledgedByHousehold.Where(p => IdeaPledges.Contains((i.Key, p.Key))).ToImmutableDictionary(),
            }),
        };
    }
}
