namespace Waardecheque.EventStore;

/// <summary>An aggregate loaded for writing; its appends are checked against the version it was loaded at.</summary>
internal sealed class EventStream<T>(EventSession session, Guid id, T? aggregate, long startingVersion) : IEventStream<T>
    where T : class
{
    private long _appended;

    public Guid Id { get; } = id;
    public T? Aggregate { get; } = aggregate;
    public long StartingVersion { get; } = startingVersion;

    public void AppendOne(object @event) => AppendMany([@event]);

    public void AppendMany(IEnumerable<object> events)
    {
        var list = events.ToArray();
        if (list.Length == 0) return;
        session.AppendAt(Id, StartingVersion + _appended, typeof(T).Name, list);
        _appended += list.Length;
    }
}
