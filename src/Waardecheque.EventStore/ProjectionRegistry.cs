namespace Waardecheque.EventStore;

/// <summary>The projections a store keeps, each inline or async (Marten's options.Projections).</summary>
public sealed class ProjectionRegistry
{
    private readonly List<RegisteredProjection> _all = [];
    private volatile bool _frozen;

    public ProjectionRegistry Add(IProjection projection, ProjectionLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (_frozen) throw new InvalidOperationException($"Register projection '{projection.Name}' before DocumentStore.CreateAsync.");
        if (_all.Any(p => p.Projection.Name == projection.Name))
            throw new InvalidOperationException($"A projection named '{projection.Name}' is already registered.");
        _all.Add(new RegisteredProjection(projection, lifecycle));
        return this;
    }

    public IReadOnlyList<RegisteredProjection> All => _all;
    public IReadOnlyList<IProjection> Inline => [.. _all.Where(p => p.Lifecycle == ProjectionLifecycle.Inline).Select(p => p.Projection)];
    public IReadOnlyList<IProjection> Async => [.. _all.Where(p => p.Lifecycle == ProjectionLifecycle.Async).Select(p => p.Projection)];

    public RegisteredProjection Find(string name) =>
        _all.FirstOrDefault(p => p.Projection.Name == name)
        ?? throw new InvalidOperationException($"No projection named '{name}' is registered.");

    internal void Freeze() => _frozen = true;
}

public sealed record RegisteredProjection(IProjection Projection, ProjectionLifecycle Lifecycle);
