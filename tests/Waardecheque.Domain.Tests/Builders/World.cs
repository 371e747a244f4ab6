using Waardecheque.Domain.Ledger;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary>
/// An in-memory event store for tests: commits what a handler returned the way the pipeline will (all or nothing,
/// a started stream must be new, an appended stream must exist), folds every stream, keeps the books and the journal
/// event by event, and holds the outgoing messages until a test delivers them.
/// </summary>
public sealed class World
{
    private readonly Dictionary<Guid, (Type Type, object State)> _streams = [];
    private readonly List<Guid> _created = [];
    private static readonly HashSet<Type> Registered = [.. DomainEvents.All.Select(e => e.Type)];

    public List<(Guid StreamId, object Data)> Log { get; } = [];
    public List<JournalLine> Journal { get; } = [];
    public List<OutgoingMessage> Outbox { get; } = [];
    public Books Books { get; private set; } = Books.Empty;

    public T Get<T>(Guid id) where T : class => (T)_streams[id].State;
    public bool Has(Guid id) => _streams.ContainsKey(id);

    /// <summary>Aggregates of one type, in the order their streams were started.</summary>
    public IReadOnlyList<T> All<T>() where T : class =>
        [.. _created.Where(id => _streams[id].Type == typeof(T)).Select(id => (T)_streams[id].State)];

    public Events Commit(Events events)
    {
        var staged = new Dictionary<Guid, (Type Type, object State)>();
        var started = new List<Guid>();
        foreach (var e in events)
        {
            if (!Registered.Contains(e.Data.GetType())) throw new InvalidOperationException($"{e.Data.GetType().Name} has no alias.");
            if (e.NewStreamType is { } type)
            {
                if (_streams.ContainsKey(e.StreamId) || staged.ContainsKey(e.StreamId))
                    throw new InvalidOperationException($"Stream {e.StreamId} already exists.");
                staged[e.StreamId] = (type, AggregateFold.Next(type, null, e.Data));
                started.Add(e.StreamId);
                continue;
            }
            var current = staged.TryGetValue(e.StreamId, out var s) ? s
                : _streams.TryGetValue(e.StreamId, out var t) ? t
                : throw new InvalidOperationException($"Stream {e.StreamId} does not exist for {e.Data.GetType().Name}.");
            staged[e.StreamId] = (current.Type, AggregateFold.Next(current.Type, current.State, e.Data));
        }

        foreach (var (id, stream) in staged) _streams[id] = stream;
        _created.AddRange(started);
        foreach (var e in events)
        {
            Journal.AddRange(Domain.Ledger.Journal.LinesFor(Books, e.StreamId, e.Data));
            Books = Books.Apply(e.StreamId, e.Data);
            Log.Add((e.StreamId, e.Data));
        }
        Outbox.AddRange(events.Messages);
        return events;
    }

    /// <summary>Takes the messages that are due (scheduled ones by their time, the rest at once), oldest first.</summary>
    public IReadOnlyList<object> TakeDue(DateTimeOffset now, Func<object, bool>? which = null)
    {
        var due = Outbox.Where(m => (m.DueAt ?? DateTimeOffset.MinValue) <= now && (which?.Invoke(m.Message) ?? true))
            .OrderBy(m => m.DueAt ?? DateTimeOffset.MinValue).ToList();
        foreach (var m in due) Outbox.Remove(m);
        return [.. due.Select(m => m.Message)];
    }
}
