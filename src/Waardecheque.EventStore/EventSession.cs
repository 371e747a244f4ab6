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
    private readonly List<CommitStatement> _statements = [];
    private readonly Dictionary<string, object?> _headers = [];
    private NpgsqlConnection? _conn;
    private NpgsqlTransaction? _tx;

    internal DocumentStore Store => store;
    public IEventOperations Events => this;
    public string? CorrelationId { get; set; }
    public string? CausationId { get; set; }
    public string? LastModifiedBy { get; set; }
    public bool WaitForLockedStreams { get; set; } = true;

    public void SetHeader(string key, object value) =>
        _headers[key] = HeaderValues.Normalize(value, store.Options.Events.JsonOptions);

    public void OnCommit(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> work) => _onCommit.Add(work);

    public void OnCommit(NpgsqlBatchCommand statement, Func<NpgsqlDataReader, CancellationToken, Task>? check = null) =>
        _statements.Add(new CommitStatement(statement, check));

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
        where T : class =>
        (IEventStream<T>)(await FetchForWritingMany([new StreamFetch(typeof(T), streamId, forUpdate)], ct))[0];

    public async Task<IReadOnlyList<IEventStream<object>>> FetchForWritingMany(IReadOnlyList<StreamFetch> streams, CancellationToken ct = default)
    {
        if (streams.Count == 0) return [];
        var folders = streams.Select(s => StreamFolder.For(s.AggregateType)).ToArray();
        // Start from this process's last fold of each stream when there is one, and read only what came after it.
        var starts = streams.Select((s, i) => folders[i].Begin(store, s.StreamId)).ToArray();
        var locked = streams.Where(s => s.ForUpdate).Select(s => s.StreamId).Distinct().ToArray();

        // The session's own connection: the commit reuses it, so a command opens (and resets) one pooled connection,
        // not one per read. The lock needs the transaction; plain reads run before it starts, in autocommit.
        var conn = locked.Length > 0 ? (await EnsureTransactionAsync(ct)).Conn : await EnsureConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, _tx);
        if (locked.Length > 0)
        {
            // In id order, like the append's locks, so two sessions locking the same streams never deadlock. The
            // row locks hold until this session commits, so the versions read after them cannot move.
            var lockAll = new NpgsqlBatchCommand("select id from mt_streams where id = any($1) order by id for update");
            lockAll.Parameters.Add(new NpgsqlParameter { Value = locked });
            batch.BatchCommands.Add(lockAll);
        }
        for (var i = 0; i < streams.Count; i++)
        {
            var read = new NpgsqlBatchCommand(ReadStreamSql);
            read.Parameters.Add(new NpgsqlParameter { Value = streams[i].StreamId });
            read.Parameters.Add(new NpgsqlParameter { Value = starts[i].Version });
            batch.BatchCommands.Add(read);
        }

        var newer = new List<IEvent>[streams.Count];
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            if (locked.Length > 0) await reader.NextResultAsync(ct);
            for (var i = 0; i < streams.Count; i++)
            {
                newer[i] = [];
                while (await reader.ReadAsync(ct)) newer[i].Add(EventRows.Read(reader, store.Options.Events));
                await reader.NextResultAsync(ct);
            }
        }
        return streams.Select((s, i) => folders[i].Finish(this, s.StreamId, starts[i], newer[i])).ToArray();
    }

    public object? PeekCached(Type aggregateType, Guid streamId) => StreamFolder.For(aggregateType).Peek(store, streamId);

    public async Task<T?> FetchLatest<T>(Guid streamId, CancellationToken ct = default) where T : class =>
        AggregateFolder<T>.Fold(await FetchStreamAsync(streamId, ct));

    public Task<IReadOnlyList<IEvent>> FetchStreamAsync(Guid streamId, CancellationToken ct = default) =>
        FetchStreamAsync(streamId, 0, ct);

    private const string ReadStreamSql =
        $"select {EventRows.Columns} from mt_events e where e.stream_id = $1 and e.version > $2 order by e.version";

    private async Task<IReadOnlyList<IEvent>> FetchStreamAsync(Guid streamId, long afterVersion, CancellationToken ct)
    {
        // Inside an open transaction (after a forUpdate fetch) read through it; otherwise any pooled connection will do.
        await using var cmd = _tx is not null ? new NpgsqlCommand(ReadStreamSql, _conn, _tx) : store.DataSource.CreateCommand(ReadStreamSql);
        cmd.Parameters.Add(new() { Value = streamId });
        cmd.Parameters.Add(new() { Value = afterVersion });
        return await EventRows.ReadAllAsync(cmd, store.Options.Events, ct);
    }

    public async Task SaveChangesAsync(CancellationToken ct = default)
    {
        var streams = _order.Where(p => p.Events.Count > 0).ToList();
        var work = _onCommit.ToList();
        var statements = _statements.ToList();
        var metadata = new AppendMetadata(CorrelationId, CausationId, LastModifiedBy, new Dictionary<string, object?>(_headers));
        _pending.Clear();
        _order.Clear();
        _onCommit.Clear();
        _statements.Clear();
        try
        {
            foreach (var conflict in streams.Select(p => p.Conflict).OfType<ConcurrencyException>()) throw conflict;
            if (streams.Count == 0 && work.Count == 0 && statements.Count == 0)
            {
                // Nothing to write, but a forUpdate fetch may hold locks: release them.
                if (_tx is not null) await _tx.CommitAsync(ct);
                return;
            }
            var (conn, tx) = await EnsureTransactionAsync(ct);
            IReadOnlyList<IEvent> written = [];
            var applyAfter = new List<IProjection>();
            if (streams.Count > 0)
            {
                // The inline projections that can, and the caller's statements, travel with the append: one round trip.
                written = await AppendWriter.WriteAsync(conn, store, streams, metadata,
                    events => ProjectionStatements(events, applyAfter).Concat(statements).ToList(), WaitForLockedStreams, ct);
                foreach (var projection in applyAfter) await projection.ApplyAsync(conn, tx, written, ct);
            }
            else
            {
                await CommitStatement.ExecuteAsync(conn, tx, statements, ct);
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

    /// <summary>The inline projections' statements for the events about to be written; the others go to <paramref name="applyAfter"/>.</summary>
    private IEnumerable<CommitStatement> ProjectionStatements(IReadOnlyList<IEvent> events, List<IProjection> applyAfter)
    {
        applyAfter.Clear();
        var all = new List<CommitStatement>();
        foreach (var projection in store.Options.Projections.Inline)
        {
            var mine = new List<NpgsqlBatchCommand>();
            if (projection is IStatementProjection p && p.TryAddStatements(events, mine)) all.AddRange(mine.Select(c => new CommitStatement(c, null)));
            else applyAfter.Add(projection);
        }
        return all;
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task<NpgsqlConnection> EnsureConnectionAsync(CancellationToken ct) =>
        _conn ??= await store.DataSource.OpenConnectionAsync(ct);

    private async Task<(NpgsqlConnection Conn, NpgsqlTransaction Tx)> EnsureTransactionAsync(CancellationToken ct)
    {
        var conn = await EnsureConnectionAsync(ct);
        _tx ??= await conn.BeginTransactionAsync(ct);
        return (conn, _tx);
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
