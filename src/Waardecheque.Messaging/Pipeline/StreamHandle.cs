using System.Collections.Concurrent;
using System.Reflection;
using Waardecheque.EventStore;

namespace Waardecheque.Messaging;

/// <summary>
/// A stream the pipeline loaded, with its aggregate type (learned at run time). Starting a stream needs the
/// generic store method, closed over each type once and cached.
/// </summary>
internal sealed class StreamHandle(Type aggregateType, IEventStream<object> stream)
{
    private static readonly ConcurrentDictionary<Type, Action<IEventSession, Guid, object[]>> Starters = new();

    public Type AggregateType { get; } = aggregateType;
    public object? Aggregate => stream.Aggregate;
    /// <summary>The stream's version when it was loaded.</summary>
    public long Version => stream.StartingVersion;

    public void Append(IEnumerable<object> events) => stream.AppendMany(events);

    /// <summary>Loads the streams in one round trip (locking those marked) and adds them to <paramref name="into"/>.</summary>
    public static async Task FetchAsync(IEventSession session, IReadOnlyList<StreamFetch> fetches,
        Dictionary<Guid, StreamHandle> into, CancellationToken ct)
    {
        if (fetches.Count == 0) return;
        var streams = await session.Events.FetchForWritingMany(fetches, ct);
        for (var i = 0; i < fetches.Count; i++) into[fetches[i].StreamId] = new StreamHandle(fetches[i].AggregateType, streams[i]);
    }

    public static void Start(IEventSession session, Type type, Guid id, object[] events) =>
        Starters.GetOrAdd(type, static t =>
        {
            var method = typeof(StreamHandle).GetMethod(nameof(StartTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t);
            return method.CreateDelegate<Action<IEventSession, Guid, object[]>>();
        })(session, id, events);

    private static void StartTyped<T>(IEventSession session, Guid id, object[] events) where T : class =>
        session.Events.StartStream<T>(id, events);
}
