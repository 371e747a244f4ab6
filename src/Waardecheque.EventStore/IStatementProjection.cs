using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// An inline projection that can state what it writes for a set of events as statements without results, before the
/// events are written. The store then sends those statements in the append's own round trip, after the insert, instead
/// of a round trip per projection; a command's transaction is shorter by as many round trips, which is what a pledge
/// to a hot idea waits for. The events carry everything but their <see cref="IEvent.Sequence"/> (0 here): the numbers
/// are drawn in that same round trip. A projection that needs the sequence or the database's answer (a COPY, a read)
/// returns false for those events and gets <see cref="IProjection.ApplyAsync"/> after the append instead.
/// </summary>
public interface IStatementProjection : IProjection
{
    /// <summary>Adds this projection's statements for <paramref name="events"/>; false (and nothing added) to be applied instead.</summary>
    bool TryAddStatements(IReadOnlyList<IEvent> events, ICollection<NpgsqlBatchCommand> statements);
}
