using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests;

/// <summary>
/// Create/Apply is the one fold (Marten's and the tests'): every event a stream can hold must have one on its aggregate,
/// or the store and <see cref="AggregateFold"/> would meet an event they cannot fold.
/// </summary>
public class AggregateFoldTests
{
    public static TheoryData<Type> Aggregates() => [.. DomainEvents.StreamTypes.Select(s => s.Type)];

    // A stream holds the events of its aggregate's folder (namespace): Cheques' events on a cheque stream, and so on.
    private static IEnumerable<Type> EventsOfStream(Type aggregate) =>
        DomainEvents.All.Select(e => e.Type).Where(t => t.Namespace == aggregate.Namespace);

    [Theory]
    [MemberData(nameof(Aggregates))]
    public void every_event_the_aggregates_stream_can_hold_has_a_create_or_an_apply_on_it(Type aggregate)
    {
        var events = EventsOfStream(aggregate).ToList();
        Assert.NotEmpty(events);

        var folded = AggregateFold.CreatedBy(aggregate).Concat(AggregateFold.AppliedBy(aggregate)).ToHashSet();
        Assert.All(events, e => Assert.True(folded.Contains(e), $"{aggregate.Name} has no Create or Apply for {e.Name}."));
        Assert.Single(AggregateFold.CreatedBy(aggregate));
        Assert.All(folded, e => Assert.Contains(e, events));
    }

    [Fact]
    public void every_event_in_the_catalogue_belongs_to_exactly_one_aggregates_stream() =>
        Assert.All(DomainEvents.All, e =>
            Assert.Single(DomainEvents.StreamTypes, s => s.Type.Namespace == e.Type.Namespace));

    [Fact]
    public void an_event_the_aggregate_does_not_fold_throws_as_the_old_switch_did()
    {
        var now = DateTimeOffset.UnixEpoch;
        var program = AggregateFold.Next<Program>(null, new ProgramCreated(Guid.NewGuid(), "Regeling", "GM0637", [], 5_000,
            now, now.AddDays(30), ProgramRules.Default, now));

        var foreign = Assert.Throws<InvalidOperationException>(() => AggregateFold.Next(program, new ChequeBlocked(Guid.NewGuid(), "lost", Guid.NewGuid(), now)));
        Assert.Equal("Program cannot apply ChequeBlocked in this state.", foreign.Message);
        // A stream's first event must be its Create event, and a Create event never comes twice.
        Assert.Throws<InvalidOperationException>(() => AggregateFold.Next<Program>(null, new ProgramOpened(program.Id, now)));
        Assert.Throws<InvalidOperationException>(() => AggregateFold.Next(program, new ProgramCreated(program.Id, "Regeling", "GM0637", [],
            5_000, now, now.AddDays(30), ProgramRules.Default, now)));
        Assert.Throws<ArgumentException>(() => AggregateFold.Next(typeof(IdeaState), null, new ProgramOpened(program.Id, now)));
    }

    [Fact]
    public void folding_through_create_and_apply_gives_what_calling_them_gives()
    {
        var now = DateTimeOffset.UnixEpoch;
        var created = new ProgramCreated(Guid.NewGuid(), "Regeling", "GM0637", [new Buurt("BU06370301", "Tuinen")], 5_000,
            now, now.AddDays(30), ProgramRules.Default, now);
        var opened = new ProgramOpened(created.ProgramId, now);

        var folded = AggregateFold.All<Program>(null, [created, opened]);

        var expected = Program.Create(created).Apply(opened);
        Assert.Equal((expected.Id, expected.State, expected.Buurten.Single()), (folded!.Id, folded.State, folded.Buurten.Single()));
        // Apply leaves the version to the fold, as Marten does: one per event, the stream's version.
        Assert.Equal((1, 1, 2), (Program.Create(created).Version, expected.Version, folded.Version));
        var closed = AggregateFold.Next(folded, new ProgramClosed(created.ProgramId, now));
        Assert.Equal((3L, 2L), (closed.Version, folded.Version));
    }
}
