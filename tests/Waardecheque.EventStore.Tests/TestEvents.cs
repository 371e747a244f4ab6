namespace Waardecheque.EventStore.Tests;

public enum AccountKind { Household, Program }

public sealed record AccountOpened(Guid AccountId, string Owner, AccountKind Kind = AccountKind.Household);
public sealed record MoneyDeposited(Guid AccountId, long AmountCents, string? Note = null);
public sealed record MoneyWithdrawn(Guid AccountId, long AmountCents);
public sealed record AccountNoted(Guid AccountId, string Text);
public sealed record NotRegistered(Guid AccountId);

/// <summary>An immutable aggregate in the shape STYLE.md asks for.</summary>
public sealed record Account(Guid Id, string Owner, long BalanceCents, int Version)
{
    public static Account Create(AccountOpened e) => new(e.AccountId, e.Owner, 0, 1);
    public Account Apply(MoneyDeposited e) => this with { BalanceCents = BalanceCents + e.AmountCents };
    public Account Apply(MoneyWithdrawn e) => this with { BalanceCents = BalanceCents - e.AmountCents };
}

public static class TestEvents
{
    public static void Register(EventTypeRegistry events) => events
        .Add<AccountOpened>("account_opened")
        .Add<MoneyDeposited>("money_deposited")
        .Add<MoneyWithdrawn>("money_withdrawn")
        .Add<AccountNoted>("account_noted");
}
