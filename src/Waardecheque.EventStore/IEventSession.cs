using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// A unit of work in Marten's shape: collects appends to any number of streams and writes them in ONE transaction
/// on <see cref="SaveChangesAsync"/>. Nothing reaches the database before that call; a version clash on any stream
/// throws <see cref="ConcurrencyException"/> and nothing of the session is written.
/// </summary>
public interface IEventSession : IAsyncDisposable
{
    IEventOperations Events { get; }

    /// <summary>Metadata stamped on every event appended through this session.</summary>
    string? CorrelationId { get; set; }
    string? CausationId { get; set; }
    /// <summary>Who acted (Marten's LastModifiedBy / user_name column), e.g. "staff:{id}" or "cheque:{id}".</summary>
    string? LastModifiedBy { get; set; }
    void SetHeader(string key, object value);

    /// <summary>
    /// True (the default): the commit waits for another session's lock on a stream it appends to. False: such a stream
    /// is a clash at once (<see cref="ConcurrencyException"/>), nothing waited for and nothing held. For optimistic
    /// writers that retry: the holder of the lock is almost always about to move the stream, so waiting would mostly end
    /// in a clash anyway, after holding this session's other locks all the while (a hot idea's queue of doomed tries).
    /// </summary>
    bool WaitForLockedStreams { get; set; }

    /// <summary>
    /// Extra work to run inside the commit transaction after the events are written (outbox rows, lookup tables).
    /// Runs in registration order; an exception rolls the whole session back.
    /// </summary>
    void OnCommit(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> work);

    /// <summary>
    /// One statement to send in the append's own round trip, after the events and the inline projections' statements
    /// (no round trip of its own). <paramref name="check"/>, when given, reads its rows and may throw to roll the whole
    /// session back. Runs before the <see cref="OnCommit(Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task})"/> work.
    /// </summary>
    void OnCommit(NpgsqlBatchCommand statement, Func<NpgsqlDataReader, CancellationToken, Task>? check = null);

    Task SaveChangesAsync(CancellationToken ct = default);
}

public interface IEventOperations
{
    /// <summary>Starts a new stream; fails with <see cref="ConcurrencyException"/> at commit when it exists.</summary>
    void StartStream<TAggregate>(Guid streamId, params object[] events) where TAggregate : class;
    /// <summary>Appends, checking at commit that the stream is still at <paramref name="expectedVersion"/>.</summary>
    void Append(Guid streamId, long expectedVersion, params object[] events);
    /// <summary>Appends without a version check (the stream must exist).</summary>
    void Append(Guid streamId, params object[] events);

    /// <summary>
    /// Loads the aggregate and its version for a later append; appends through the returned stream are checked
    /// against that version at commit. <paramref name="forUpdate"/> takes a row lock on the stream until commit.
    /// </summary>
    Task<IEventStream<T>> FetchForWriting<T>(Guid streamId, bool forUpdate = false, CancellationToken ct = default)
        where T : class;
    /// <summary>
    /// <see cref="FetchForWriting{T}"/> for several streams of any aggregate types in ONE round trip on the session's
    /// connection (the commit reuses it): the row locks of the streams marked <see cref="StreamFetch.ForUpdate"/>,
    /// taken in id order, then each stream's events. Results come in the order asked; each is an
    /// <see cref="IEventStream{T}"/> of its aggregate type.
    /// </summary>
    Task<IReadOnlyList<IEventStream<object>>> FetchForWritingMany(IReadOnlyList<StreamFetch> streams, CancellationToken ct = default);

    /// <summary>
    /// This process's last fold of a stream, without a read; null when there is none. It may be stale: use it to guess
    /// which streams to fetch together, never to decide anything.
    /// </summary>
    object? PeekCached(Type aggregateType, Guid streamId);

    Task<T?> FetchLatest<T>(Guid streamId, CancellationToken ct = default) where T : class;
    Task<IReadOnlyList<IEvent>> FetchStreamAsync(Guid streamId, CancellationToken ct = default);
}

public interface IEventStream<out T> where T : class
{
    Guid Id { get; }
    /// <summary>Null when the stream does not exist yet.</summary>
    T? Aggregate { get; }
    /// <summary>Version when loaded (0 for a new stream).</summary>
    long StartingVersion { get; }
    void AppendOne(object @event);
    void AppendMany(IEnumerable<object> events);
}
