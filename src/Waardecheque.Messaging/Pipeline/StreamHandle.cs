using System.Collections.Concurrent;
using System.Reflection;
using Waardecheque.EventStore;

namespace Waardecheque.Messaging;

/// <summary>
/// A non-generic view of <see cref="IEventStream{T}"/>, because the pipeline learns aggregate types at run time.
/// The generic store methods are closed over each type once and cached.
/// </summary>
internal sealed class StreamHandle
{
    private static readonly ConcurrentDictionary<Type, Func<IEventSession, Guid, bool, CancellationToken, Task<StreamHandle>>> Fetchers = new();
    private static readonly ConcurrentDictionary<Type, Action<IEventSession, Guid, object[]>> Starters = new();

    private readonly Action<IEnumerable<object>> _append;

    private StreamHandle(Type aggregateType, object? aggregate, long version, Action<IEnumerable<object>> append)
    {
        AggregateType = aggregateType;
        Aggregate = aggregate;
        Version = version;
        _append = append;
    }

    public Type AggregateType { get; }
    public object? Aggregate { get; }
    /// <summary>The stream's version when it was loaded.</summary>
    public long Version { get; }

    public void Append(IEnumerable<object> events) => _append(events);

    public static Task<StreamHandle> FetchAsync(IEventSession session, Type type, Guid id, bool forUpdate, CancellationToken ct) =>
        Fetchers.GetOrAdd(type, static t =>
        {
            var method = typeof(StreamHandle).GetMethod(nameof(FetchTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t);
            return method.CreateDelegate<Func<IEventSession, Guid, bool, CancellationToken, Task<StreamHandle>>>();
        })(session, id, forUpdate, ct);

    public static void Start(IEventSession session, Type type, Guid id, object[] events) =>
        Starters.GetOrAdd(type, static t =>
        {
            var method = typeof(StreamHandle).GetMethod(nameof(StartTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t);
            return method.CreateDelegate<Action<IEventSession, Guid, object[]>>();
        })(session, id, events);

    private static async Task<StreamHandle> FetchTyped<T>(IEventSession session, Guid id, bool forUpdate, CancellationToken ct) where T : class
    {
        var stream = await session.Events.FetchForWriting<T>(id, forUpdate, ct);
        return new StreamHandle(typeof(T), stream.Aggregate, stream.StartingVersion, stream.AppendMany);
    }

    private static void StartTyped<T>(IEventSession session, Guid id, object[] events) where T : class =>
        session.Events.StartStream<T>(id, events);
}
