namespace Waardecheque.Domain.Ledger;

/// <summary>The journal's accounts (DOMAIN.md). A top-up's money comes in through payments:stripe.</summary>
public static class Accounts
{
    public const string Municipality = "municipality";
    public const string Stripe = "payments:stripe";
    public const string Spent = "spent";
    public const string Returned = "returned";

    public static string Cheque(Guid id) => $"cheque:{id}";
    public static string Idea(Guid id) => $"idea:{id}";
}

/// <summary>
/// One movement: <see cref="AmountCents"/> (always > 0) goes from <see cref="CreditAccount"/> to
/// <see cref="DebitAccount"/>. An account's balance is its debits minus its credits, so the municipality's
/// balance is minus what it handed out, and all balances together are always zero.
/// </summary>
public sealed record JournalLine(string DebitAccount, string CreditAccount, long AmountCents);
