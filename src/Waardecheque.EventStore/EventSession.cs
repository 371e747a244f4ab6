using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// The unit of work behind <see cref="IEventSession"/>. Appends are only collected until
/// <see cref="SaveChangesAsync"/>, which writes them with <see cref="AppendWriter"/> in one transaction together with
/// the inline projections and the OnCommit work.
/// </summary>
internal sealed class EventSession(DocumentStore store) : IEventSession, IEventOperations
{
    private readonly Dictionary<Guid, PendingStream> _pending = [];
    private readonly List<PendingStream> _order = [];
    private readonly List<Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>> _onCommit = [];
    private readonly Dictionary<string, object?> _headers = [];
    private NpgsqlConnection? _conn;
    private NpgsqlTransaction? _tx;

    public IEventOperations Events => this;
    public string? CorrelationId { get; set; }
    public string? CausationId { get; set; }
    public string? LastModifiedBy { get; set; }

    public void SetHeader(string key, object value) =>
        _headers[key] = HeaderValues.Normalize(value, store.Options.Events.JsonOptions);

    public void OnCommit(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> work) => _onCommit.Add(work);

    public void StartStream<TAggregate>(Guid streamId, params object[] events) where TAggregate : class
    {
        if (events.Length == 0) throw new ArgumentException("A stream starts with at least one event.", nameof(events));
        CheckRegistered(events);
        if (_pending.ContainsKey(streamId))
            throw new InvalidOperationException($"Stream {streamId} already has appends in this session; start it first.");
        Add(new PendingStream(streamId) { IsNew = true, AggregateType = typeof(TAggregate).Name, ExpectedVersion = 0 }, events);
    }

    public void Append(Guid streamId, long expectedVersion, params object[] events) =>
        AppendAt(streamId, expectedVersion, aggregateType: null, events);

    public void Append(Guid streamId, params object[] events)
    {
        if (events.Length == 0) return;
        CheckRegistered(events);
        if (_pending.TryGetValue(streamId, out var pending)) pending.Events.AddRange(events);
        else Add(new PendingStream(streamId), events);
    }

    /// <summary>Appends that must land right after version <paramref name="expectedVersion"/> (0: a new stream).</summary>
    internal void AppendAt(Guid streamId, long expectedVersion, string? aggregateType, object[] events)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (events.Length == 0) return;
        CheckRegistered(events);
        if (!_pending.TryGetValue(streamId, out var pending))
        {
            Add(new PendingStream(streamId)
            {
                IsNew = expectedVersion == 0, AggregateType = aggregateType, ExpectedVersion = expectedVersion,
            }, events);
            return;
        }
        // A second append to the same stream in this session must continue where the earlier ones end.
        pending.ExpectedVersion ??= expectedVersion - pending.Events.Count;
        var at = pending.ExpectedVersion + pending.Events.Count;
        if (at != expectedVersion || pending.ExpectedVersion < 0)
            pending.Conflict ??= new ConcurrencyException(streamId, expectedVersion, at);
        pending.Events.AddRange(events);
    }

    public async Task<IEventStream<T>> FetchForWriting<T>(Guid streamId, bool forUpdate = false, CancellationToken ct = default)
        where T : class
    {
        if (forUpdate)
        {
            // The row lock holds until this session commits, so the version read below cannot move.
            var (conn, _) = await EnsureTransactionAsync(ct);
            await using var lockCmd = new NpgsqlCommand("select version from mt_streams where id = $1 for update", conn);
            lockCmd.Parameters.Add(new() { Value = streamId });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        // Start from this process's last fold of the stream when there is one, and read only what came after it.
        var cached = AggregateFolder<T>.IsImmutable && store.Aggregates.TryGet<T>(streamId, out var cachedVersion, out var cachedAggregate)
            ? (Version: cachedVersion, Aggregate: cachedAggregate) : ((long Version, T Aggregate)?)null;
        var events = await FetchStreamAsync(streamId, cached?.Version ?? 0, ct);
        if (events.Count > 0) store.Heads.Remember(streamId, events[^1].Version, events[^1].Hash);
        var aggregate = AggregateFolder<T>.Fold(events, cached?.Aggregate);
        // The version comes from the same reads as the events, so the two always agree.
        var version = events.Count == 0 ? cached?.Version ?? 0 : events[^1].Version;
        if (aggregate is not null && AggregateFolder<T>.IsImmutable) store.Aggregates.Remember(streamId, version, aggregate);
        return new EventStream<T>(this, streamId, aggregate, version);
    }

    public async Task<T?> FetchLatest<T>(Guid streamId, CancellationToken ct = default) where T : class =>
        AggregateFolder<T>.Fold(await FetchStreamAsync(streamId, ct));

    public Task<IReadOnlyList<IEvent>> FetchStreamAsync(Guid streamId, CancellationToken ct = default) =>
        FetchStreamAsync(streamId, 0, ct);

    private async Task<IReadOnlyList<IEvent>> FetchStreamAsync(Guid streamId, long afterVersion, CancellationToken ct)
    {
        const string sql = $"select {EventRows.Columns} from mt_events e where e.stream_id = $1 and e.version > $2 order by e.version";
        // Inside an open transaction (after a forUpdate fetch) read through it; otherwise any pooled connection will do.
        await using var cmd = _conn is not null ? new NpgsqlCommand(sql, _conn) : store.DataSource.CreateCommand(sql);
        cmd.Parameters.Add(new() { Value = streamId });
        cmd.Parameters.Add(new() { Value = afterVersion });
        return await EventRows.ReadAllAsync(cmd, store.Options.Events, ct);
    }

    public async Task SaveChangesAsync(CancellationToken ct = default)
    {
        var streams = _order.Where(p => p.Events.Count > 0).ToList();
        var work = _onCommit.ToList();
        var metadata = new AppendMetadata(CorrelationId, CausationId, LastModifiedBy, new Dictionary<string, object?>(_headers));
        _pending.Clear();
        _order.Clear();
        _onCommit.Clear();
        try
        {
            foreach (var conflict in streams.Select(p => p.Conflict).OfType<ConcurrencyException>()) throw conflict;
            if (streams.Count == 0 && work.Count == 0)
            {
                // Nothing to write, but a forUpdate fetch may hold locks: release them.
                if (_tx is not null) await _tx.CommitAsync(ct);
                return;
            }
            var (conn, tx) = await EnsureTransactionAsync(ct);
            IReadOnlyList<IEvent> written = [];
            if (streams.Count > 0)
            {
                written = await AppendWriter.WriteAsync(conn, store, streams, metadata, ct);
                foreach (var projection in store.Options.Projections.Inline) await projection.ApplyAsync(conn, tx, written, ct);
            }
            foreach (var step in work) await step(conn, tx, ct);
            await tx.CommitAsync(ct);
            if (written.Count > 0)
            {
                AppendWriter.RememberHeads(store, written);
                store.Notifier.Signal(written[^1].Sequence);
            }
        }
        catch (PostgresException e) when (ConcurrencyErrors.IsStreamConflict(e))
        {
            await CloseAsync();
            throw await ConcurrencyErrors.FromAsync(store.DataSource, streams);
        }
        finally
        {
            await CloseAsync();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task<(NpgsqlConnection, NpgsqlTransaction)> EnsureTransactionAsync(CancellationToken ct)
    {
        _conn ??= await store.DataSource.OpenConnectionAsync(ct);
        _tx ??= await _conn.BeginTransactionAsync(ct);
        return (_conn, _tx);
    }

    private async Task CloseAsync()
    {
        // Disposing an uncommitted transaction rolls it back.
        if (_tx is not null) await _tx.DisposeAsync();
        if (_conn is not null) await _conn.DisposeAsync();
        _tx = null;
        _conn = null;
    }

    private void Add(PendingStream pending, object[] events)
    {
        pending.Events.AddRange(events);
        _pending.Add(pending.Id, pending);
        _order.Add(pending);
    }

    private void CheckRegistered(object[] events)
    {
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            store.Options.Events.AliasFor(e.GetType());
        }
    }
}

/// <summary>Metadata stamped on every event of one commit.</summary>
internal sealed record AppendMetadata(string? CorrelationId, string? CausationId, string? UserName,
    IReadOnlyDictionary<string, object?> Headers);
