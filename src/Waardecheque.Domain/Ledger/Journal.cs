using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ledger;

/// <summary>
/// Maps each money event to its double-entry lines. It needs the books as they were before the event for the two
/// movements an event does not spell out: what each cheque holds when the program closes, and whether credit
/// released or moved after the close has already expired.
/// </summary>
public static class Journal
{
    public static IReadOnlyList<JournalLine> LinesFor(Books before, Guid streamId, object evt) => evt switch
    {
        // A replacement moves credit (ChequeReissued's line); only a first cheque is new money.
        ChequeIssued e when e.ReplacesChequeId is null => [new(Accounts.Cheque(e.ChequeId), Accounts.Municipality, e.ValueCents)],
        ChequeReissued e when !before.Closed => Line(Accounts.Cheque(e.NewChequeId), Accounts.Cheque(e.ChequeId), e.CarriedCents),
        CreditPledged e => Line(Accounts.Idea(e.IdeaId), Accounts.Cheque(e.ChequeId), e.AmountCents),
        CreditReleased e when before.Closed =>
            [.. Line(Accounts.Cheque(e.ChequeId), Accounts.Idea(e.IdeaId), e.AmountCents),
             .. Line(Accounts.Municipality, Accounts.Cheque(e.ChequeId), e.AmountCents)],   // back to an expired cheque: expires at once
        CreditReleased e => Line(Accounts.Cheque(e.ChequeId), Accounts.Idea(e.IdeaId), e.AmountCents),
        CreditForwarded e when !before.Closed => Line(Accounts.Cheque(e.ToChequeId), Accounts.Cheque(e.ChequeId), e.AmountCents),
        ProgramClosed when !before.Closed =>
            [.. before.Cheques.Where(c => c.Value.BalanceCents > 0).OrderBy(c => c.Key)
                .Select(c => new JournalLine(Accounts.Municipality, Accounts.Cheque(c.Key), c.Value.BalanceCents))],
        TopUpReceived e => Line(Accounts.Idea(e.IdeaId), Accounts.Stripe, e.AmountCents),
        TopUpRefunded e when before.IsAcceptedTopUp(e.IdeaId, e.TopUpId) => Line(Accounts.Stripe, Accounts.Idea(e.IdeaId), e.AmountCents),
        ExpenseApproved e => Line(Accounts.Spent, Accounts.Idea(e.IdeaId), e.AmountCents),
        IdeaCompleted e => Line(Accounts.Returned, Accounts.Idea(e.IdeaId), e.ReturnedCents),
        _ => [],
    };

    /// <summary>Each account's balance (debits minus credits).</summary>
    public static IReadOnlyDictionary<string, long> Balances(IEnumerable<JournalLine> lines)
    {
        var balances = new Dictionary<string, long>();
        foreach (var line in lines)
        {
            balances[line.DebitAccount] = balances.GetValueOrDefault(line.DebitAccount) + line.AmountCents;
            balances[line.CreditAccount] = balances.GetValueOrDefault(line.CreditAccount) - line.AmountCents;
        }
        return balances;
    }

    private static JournalLine[] Line(string debit, string credit, long amount) =>
        amount > 0 ? [new JournalLine(debit, credit, amount)] : [];
}
