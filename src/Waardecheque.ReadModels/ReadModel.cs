using Marten;
using Marten.Events.Projections;
using JasperFx.Events;

namespace Waardecheque.ReadModels;

/// <summary>
/// A read model kept by a Marten projection that writes its own rm_* tables with SQL (Marten's custom
/// <see cref="IProjection"/>), registered inline: its statements join the events' own batch and transaction.
/// <see cref="SchemaSql"/> creates the tables idempotently at start-up; <see cref="ResetSql"/> empties them (all of
/// <see cref="Tables"/>) before a rebuild from the log (<see cref="ReadModelRebuild"/>).
/// </summary>
public abstract class ReadModel : IProjection
{
    public abstract string Name { get; }
    public abstract string SchemaSql { get; }
    /// <summary>The rm_* tables this read model writes (unqualified, in the store's schema).</summary>
    public abstract IReadOnlyList<string> Tables { get; }
    public string ResetSql => "truncate " + string.Join(", ", Tables);

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        Project(events, new SqlBatch(operations));
        return Task.CompletedTask;
    }

    /// <summary>
    /// From this many events in one call (a rebuild's page, an expiry releasing many pledges) a projection folds them
    /// into one array statement per kind of change (docs/benchmarks.md "rebuild", fix 2). Below it (a command's few
    /// events) it sends one single-row statement per event by primary key, exactly what the pledge path was measured
    /// with: folding a pledge's two or three events saves nothing, and a first sitting with every call folded was
    /// slower (benchmarks.md, "the set-based projections on the pledge path"; within the noise, but not worth the risk).
    /// </summary>
    public const int FoldFrom = 32;

    /// <summary>Queues this read model's statements for <paramref name="events"/> (in log order).</summary>
    internal abstract void Project(IReadOnlyList<IEvent> events, SqlBatch batch);
}
