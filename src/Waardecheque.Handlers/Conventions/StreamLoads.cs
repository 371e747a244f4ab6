using System.Collections.Concurrent;
using System.Reflection;
using JasperFx.Events;
using Marten;
using Marten.Services.BatchQuerying;

namespace Waardecheque.Handlers.Conventions;

/// <summary>A stream the runner loaded for writing: its aggregate (null when new), the version it was loaded at, and how to append.</summary>
internal sealed record LoadedStream(Type AggregateType, object? Aggregate, long Version, Action<IEnumerable<object>> Append);

/// <summary>One stream to load: <paramref name="Exclusive"/> takes Marten's row lock on it until commit (a retry's queue).</summary>
internal readonly record struct StreamFetch(Type AggregateType, Guid StreamId, bool Exclusive = false);

/// <summary>
/// Marten's <c>FetchForWriting</c> / <c>FetchForExclusiveWriting</c> for aggregate types known only at run time, several
/// streams in ONE batched query (one round trip). The generic calls are closed over each type once and cached.
/// </summary>
internal static class StreamLoads
{
    private delegate Func<LoadedStream> Enlist(IBatchedQuery batch, Guid id, bool exclusive);

    private static readonly ConcurrentDictionary<Type, Enlist> Enlisters = new();
    private static readonly ConcurrentDictionary<Type, Action<IDocumentSession, Guid, object[]>> Starters = new();

    public static async Task LoadAsync(IDocumentSession session, IReadOnlyList<StreamFetch> fetches, Dictionary<Guid, LoadedStream> into,
        CancellationToken ct)
    {
        // Marten refuses the empty Guid as a stream id (it throws); no stream of ours has it, so such a stream is simply
        // not there (a 404, or null for an optional aggregate), and nothing can be appended to it.
        foreach (var empty in fetches.Where(f => f.StreamId == Guid.Empty))
            into[Guid.Empty] = new LoadedStream(empty.AggregateType, null, 0,
                _ => throw new InvalidOperationException("No stream can have the empty Guid as its id."));
        fetches = [.. fetches.Where(f => f.StreamId != Guid.Empty)];
        if (fetches.Count == 0) return;
        var batch = session.CreateBatchQuery();
        // Exclusive fetches first and in id order, so two commands never take the same row locks in opposite orders.
        var ordered = fetches.OrderBy(f => !f.Exclusive).ThenBy(f => f.Exclusive ? f.StreamId : Guid.Empty).ToList();
        var results = ordered.Select(f => (f.StreamId, Result: EnlisterFor(f.AggregateType)(batch, f.StreamId, f.Exclusive))).ToList();
        await batch.Execute(ct);
        foreach (var (id, result) in results) into[id] = result();
    }

    public static void Start(IDocumentSession session, Type aggregateType, Guid id, object[] events) =>
        Starters.GetOrAdd(aggregateType, static t =>
            typeof(StreamLoads).GetMethod(nameof(StartTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t)
                .CreateDelegate<Action<IDocumentSession, Guid, object[]>>())(session, id, events);

    private static Enlist EnlisterFor(Type type) => Enlisters.GetOrAdd(type, static t =>
        typeof(StreamLoads).GetMethod(nameof(EnlistTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t)
            .CreateDelegate<Enlist>());

    private static Func<LoadedStream> EnlistTyped<T>(IBatchedQuery batch, Guid id, bool exclusive) where T : class
    {
        var pending = exclusive ? batch.Events.FetchForExclusiveWriting<T>(id) : batch.Events.FetchForWriting<T>(id);
        return () =>
        {
            var stream = pending.Result;
            return new LoadedStream(typeof(T), stream.Aggregate, stream.StartingVersion ?? 0, events => stream.AppendMany(events));
        };
    }

    private static void StartTyped<T>(IDocumentSession session, Guid id, object[] events) where T : class =>
        session.Events.StartStream<T>(id, events);
}
