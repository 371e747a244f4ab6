namespace Waardecheque.EventStore.Tests;

public sealed class AggregationTests
{
    private static readonly Guid Id = Guid.NewGuid();

    private static IEvent[] Stream(params object[] bodies) => [.. bodies.Select((b, i) => new StoredEvent(Guid.NewGuid(), 100 + i,
        Id, i + 1, b, b.GetType().Name, DateTimeOffset.UnixEpoch, null, null, null, StoredEvent.NoHeaders, new byte[32]))];

    [Fact]
    public void an_immutable_record_is_created_by_its_first_event_and_folded_by_returning_apply()
    {
        var account = AggregateFolder<Account>.Fold(Stream(
            new AccountOpened(Id, "Noor"), new MoneyDeposited(Id, 500), new MoneyWithdrawn(Id, 120), new MoneyDeposited(Id, 5)));

        Assert.Equal(new Account(Id, "Noor", 385, 4), account);
    }

    [Fact]
    public void events_the_aggregate_has_no_apply_for_are_skipped_but_still_count_for_the_version()
    {
        var account = AggregateFolder<Account>.Fold(Stream(
            new AccountOpened(Id, "Noor"), new AccountNoted(Id, "called"), new MoneyDeposited(Id, 1)));

        Assert.Equal(new Account(Id, "Noor", 1, 3), account);
    }

    [Fact]
    public void an_empty_stream_folds_to_nothing() => Assert.Null(AggregateFolder<Account>.Fold(Stream()));

    [Fact]
    public void a_mutable_class_starts_from_its_constructor_and_changes_in_a_void_apply()
    {
        var tally = AggregateFolder<MutableTally>.Fold(Stream(new MoneyDeposited(Id, 2), new MoneyDeposited(Id, 3), new MoneyWithdrawn(Id, 1)));

        Assert.NotNull(tally);
        Assert.Equal(4, tally.Cents);
        Assert.Equal(3L, tally.Version);
    }

    [Fact]
    public void the_most_specific_apply_wins_and_a_base_type_apply_catches_the_rest()
    {
        var log = AggregateFolder<Ledger>.Fold(Stream(new LedgerOpened(), new Credit(5), new Debit(2), new Credit(1)));

        Assert.Equal(["opened", "credit 5", "entry", "credit 1"], log!.Lines);
        Assert.Equal(4, log.Version);
    }

    [Fact]
    public void a_type_that_cannot_start_from_the_first_event_stays_empty_until_an_event_can_start_it()
    {
        var account = AggregateFolder<Account>.Fold(Stream(new MoneyDeposited(Id, 1), new AccountOpened(Id, "late")));

        Assert.Equal(new Account(Id, "late", 0, 2), account);
    }

    [Fact]
    public void setting_the_version_on_a_record_leaves_the_folded_instances_alone()
    {
        var created = Account.Create(new AccountOpened(Id, "x"));
        var folded = AggregateFolder<Account>.Fold(Stream(new MoneyDeposited(Id, 1)), created);

        Assert.Equal(1, created.Version);
        Assert.Equal(1, folded!.Version);
        Assert.Equal(1, folded.BalanceCents);
    }

    public sealed class MutableTally
    {
        public long Cents { get; private set; }
        public long Version { get; set; }
        public void Apply(MoneyDeposited e) => Cents += e.AmountCents;
        public void Apply(MoneyWithdrawn e) => Cents -= e.AmountCents;
    }

    public abstract record Entry;
    public sealed record Credit(long Cents) : Entry;
    public sealed record Debit(long Cents) : Entry;
    public sealed record LedgerOpened;

    public sealed record Ledger(IReadOnlyList<string> Lines)
    {
        public long Version { get; init; }
        public static Ledger Create(LedgerOpened _) => new(["opened"]);
        public Ledger Apply(Entry _) => this with { Lines = [.. Lines, "entry"] };
        public Ledger Apply(Credit e) => this with { Lines = [.. Lines, $"credit {e.Cents}"] };
    }
}
