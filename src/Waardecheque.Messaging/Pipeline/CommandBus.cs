using System.Reflection;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Waardecheque.Messaging;

/// <summary>
/// Runs one command through its pure handler (Wolverine's <c>InvokeAsync</c>, until Wolverine replaces this class):
/// load the aggregates the handler asks for through Marten (<c>FetchForWriting</c>, batched), call <c>Handle</c>,
/// append every event it returns to its stream and write its messages to the outbox, all in ONE Marten
/// <c>SaveChangesAsync</c>. A version clash (<see cref="ConcurrencyException"/>) means someone else changed a stream in
/// between: the handler runs again on fresh state. The first try is optimistic (no locks, so unrelated commands never
/// wait for each other); a retry loads the streams the previous try wrote with Marten's
/// <c>FetchForExclusiveWriting</c> (row locks, in id order) so a hot idea serialises instead of retrying in a storm.
/// Streams a handler appends to without loading them (credit released to many cheques) are appended without a version;
/// a race there is a clash and a retry too. Streams only read are re-checked at commit (<see cref="ReadStreamsCheck"/>).
/// </summary>
public sealed class CommandBus(IDocumentStore store, NpgsqlDataSource db, HandlerRegistry registry, TimeProvider? time = null,
    ILogger<CommandBus>? logger = null)
{
    public const int MaxAttempts = 8;
    /// <summary>The SQL the bus needs in the store's schema (the read-stream check), run at start-up with the rest.</summary>
    public const string SchemaSql = ReadStreamsCheck.SchemaSql;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<CommandBus>.Instance;

    /// <summary>
    /// Which stream an aggregate names for a parameter the command does not name (an idea's or a cheque's program):
    /// learnt from earlier loads, so the next command on the same idea fetches the program in its FIRST round trip
    /// instead of a second one. Those links never change (an idea stays in its program); a wrong or missing guess
    /// only costs the second round trip it saves, and a guessed stream no parameter used is dropped before the
    /// read-stream check. Bounded: emptied when it grows past <see cref="MaxLinks"/>.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid From, Type To), Guid> _links = new();
    private const int MaxLinks = 100_000;

    public IDocumentStore Store => store;
    /// <summary>The app's pool (search_path = the store's schema), for the outbox worker and list loaders.</summary>
    public NpgsqlDataSource DataSource => db;

    public async Task<Events> InvokeAsync(object command, MessageContext context, CancellationToken ct = default)
    {
        var handler = registry.For(command.GetType());
        handler.Validate?.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [command], null);

        IReadOnlyDictionary<Guid, Type> lockFirst = new Dictionary<Guid, Type>();
        for (var attempt = 1; ; attempt++)
        {
            var written = new Dictionary<Guid, Type>();
            var readOnly = new List<(Guid Id, long Version)>();
            try
            {
                return await TryOnceAsync(handler, command, context, lockFirst, written, readOnly, ct);
            }
            catch (Exception e) when (Clash(e) is { } clash)
            {
                if (attempt >= MaxAttempts) throw clash;
                _logger.LogDebug("{Command} clashed on attempt {Attempt}; retrying", handler.CommandType.Name, attempt);
                lockFirst = written;
                // A stream it only read is being written: wait, holding nothing, until that writer is done.
                if (Postgres(e) is { SqlState: PostgresErrorCodes.LockNotAvailable })
                    await WaitForWritersAsync(readOnly.Select(r => r.Id).ToArray(), ct);
                // Jitter spreads the retries of simultaneous losers, so they do not collide again in lock-step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), ct);
            }
        }
    }

    /// <summary>
    /// What a retry may fix, as the <see cref="ConcurrencyException"/> the caller gets when retries run out: Marten's
    /// version clashes, a stream started twice, a read stream that moved or is being written, deadlocks.
    /// </summary>
    private static ConcurrencyException? Clash(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case ConcurrencyException c: return c;
                case ExistingStreamIdCollisionException s: return new ConcurrencyException(s.AggregateType, s.Id);
                case PostgresException { SqlState: ReadStreamsCheck.ChangedState or PostgresErrorCodes.LockNotAvailable
                    or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } p:
                    return new ConcurrencyException("A stream this command touched changed meanwhile: " + p.MessageText, p);
            }
        }
        return null;
    }

    private static PostgresException? Postgres(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException) if (x is PostgresException p) return p;
        return null;
    }

    private async Task WaitForWritersAsync(Guid[] streams, CancellationToken ct)
    {
        if (streams.Length == 0) return;
        // Outside any transaction of ours: the share locks are granted once the writer commits and end with the statement.
        await using var cmd = db.CreateCommand("select count(*) from (select id from mt_streams where id = any($1) for share) s");
        cmd.Parameters.Add(new NpgsqlParameter { Value = streams });
        await cmd.ExecuteScalarAsync(ct);
    }

    private async Task<Events> TryOnceAsync(HandlerDescriptor handler, object command, MessageContext context,
        IReadOnlyDictionary<Guid, Type> lockFirst, Dictionary<Guid, Type> written, List<(Guid Id, long Version)> readOnly,
        CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var result = await DecideAsync(session, handler, command, context, lockFirst, written, readOnly, ct);
        await session.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>
    /// One try of a command inside a session someone else commits (Wolverine's transactional middleware): stamps the
    /// session, loads, runs the pure rule, appends and queues the checks and outbox rows; no <c>SaveChangesAsync</c>.
    /// From the second attempt on, the streams the command names are fetched with Marten's row lock (in id order), so a
    /// hot idea's retries queue instead of clashing again. Throws what <see cref="InvokeAsync"/> would retry; callers map
    /// it with <see cref="AsClash"/>.
    /// </summary>
    public Task<Events> RunInSessionAsync(IDocumentSession session, object command, MessageContext context, int attempt,
        CancellationToken ct, bool queueMessages = true)
    {
        var handler = registry.For(command.GetType());
        if (attempt <= 1) handler.Validate?.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [command], null);
        var lockFirst = new Dictionary<Guid, Type>();
        if (attempt > 1)
            foreach (var p in handler.Parameters.Where(p => p.Kind == ParameterKind.Aggregate))
                if (TryIdFor(p.Type, command, [], out var id) && id != Guid.Empty) lockFirst.TryAdd(id, p.Type);
        return DecideAsync(session, handler, command, context, lockFirst, [], [], ct, queueMessages);
    }

    /// <summary>The <see cref="ConcurrencyException"/> a retry may fix (a version clash and its kin), or null.</summary>
    public static ConcurrencyException? AsClash(Exception e) => Clash(e);

    private async Task<Events> DecideAsync(IDocumentSession session, HandlerDescriptor handler, object command, MessageContext context,
        IReadOnlyDictionary<Guid, Type> lockFirst, Dictionary<Guid, Type> written, List<(Guid Id, long Version)> readOnly,
        CancellationToken ct, bool queueMessages = true)
    {
        session.LastModifiedBy = context.Actor;
        session.CorrelationId = context.CorrelationId;
        session.CausationId = registry.MessageName(handler.CommandType);
        foreach (var (key, value) in context.Headers ?? new Dictionary<string, object>()) session.SetHeader(key, value);

        // One round trip for all the handler will load, as far as it is known up front (the loop below loads the rest).
        var streams = new Dictionary<Guid, LoadedStream>();
        var guessed = new HashSet<Guid>();
        await StreamLoads.LoadAsync(session, FirstFetch(handler, command, lockFirst, guessed), streams, ct);

        var args = new object?[handler.Parameters.Count + 1];
        args[0] = command;
        var loaded = new List<object>();
        for (var i = 0; i < handler.Parameters.Count; i++)
        {
            var p = handler.Parameters[i];
            args[i + 1] = p.Kind switch
            {
                ParameterKind.Now => _time.GetUtcNow(),
                ParameterKind.Provided => registry.Provided(p.Type),
                ParameterKind.Aggregate => await LoadOneAsync(session, p, command, loaded, streams, ct),
                ParameterKind.AggregateList => await LoadListAsync(session, p, command, loaded, streams, ct),
                _ => throw new InvalidOperationException(p.Kind.ToString()),
            };
        }

        // A guessed stream that no parameter took is not part of this command: it is neither re-checked nor written.
        foreach (var id in guessed)
            if (streams[id].Aggregate is not { } aggregate
                || !args.Any(a => ReferenceEquals(a, aggregate) || (a is System.Collections.IList list && list.Contains(aggregate))))
                streams.Remove(id);

        var result = (Events)handler.Handle.Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null)!;

        foreach (var group in result.Appended.GroupBy(e => e.StreamId))
        {
            var events = group.Select(e => e.Data).ToArray();
            var newType = group.First().NewStreamType;
            if (newType is not null)
            {
                StreamLoads.Start(session, newType, group.Key, events);
                // A stream started here does not exist before the commit: nothing to lock on a retry.
            }
            else if (streams.TryGetValue(group.Key, out var stream))
            {
                stream.Append(events);   // checked against the version it was loaded at (FetchForWriting)
                written[group.Key] = stream.AggregateType;
            }
            else
            {
                // A stream the handler did not load (e.g. releasing credit back to many cheques): no version check,
                // which is safe only for events that cannot break a rule of that stream; handlers promise that.
                session.Events.Append(group.Key, events);
            }
        }

        // A handler decides on what it read, too: a pledge reads the program to see it is open. Re-check, under a
        // share lock that never waits, that every stream it read but did not write is unchanged, so a pledge cannot
        // commit after a close it did not see. When a writer holds such a stream, this try lets go of everything,
        // waits for that writer outside any transaction (InvokeAsync) and starts over on what it wrote.
        readOnly.AddRange(streams.Where(s => s.Value.Aggregate is not null && !written.ContainsKey(s.Key))
            .Select(s => (s.Key, s.Value.Version)));
        if (readOnly.Count > 0) ReadStreamsCheck.Queue(session, readOnly);

        if (queueMessages && result.Messages.Count > 0)
            Outbox.Queue(session, result.Messages
                .Select(m => Outbox.Row(m, registry.MessageName(m.Message.GetType()), context, MessageJson.Options)).ToList());
        return result;
    }

    /// <summary>
    /// What to load in the first round trip: on a retry the streams the last try wrote, locked (in id order); and the
    /// aggregates the command names directly. Those named by another aggregate (an idea names its program) follow in a
    /// second round trip.
    /// </summary>
    private List<StreamFetch> FirstFetch(HandlerDescriptor handler, object command, IReadOnlyDictionary<Guid, Type> lockFirst,
        HashSet<Guid> guessed)
    {
        var fetches = lockFirst.Select(p => new StreamFetch(p.Value, p.Key, Exclusive: true)).ToList();
        var included = new HashSet<Guid>(lockFirst.Keys);
        var named = new List<Guid>();
        var unnamed = new List<Type>();
        foreach (var p in handler.Parameters.Where(p => p.Kind == ParameterKind.Aggregate))
        {
            if (!TryIdFor(p.Type, command, [], out var id)) unnamed.Add(p.Type);
            else
            {
                named.Add(id);
                if (included.Add(id)) fetches.Add(new StreamFetch(p.Type, id));
            }
        }
        // The streams named by an aggregate (the program of an idea), as far as earlier loads told.
        foreach (var type in unnamed)
            foreach (var from in named)
                if (_links.TryGetValue((from, type), out var guess) && included.Add(guess))
                {
                    fetches.Add(new StreamFetch(type, guess));
                    guessed.Add(guess);
                    break;
                }
        return fetches;
    }

    private async Task<object?> LoadOneAsync(IDocumentSession session, HandlerParameter p, object command,
        List<object> loaded, Dictionary<Guid, LoadedStream> streams, CancellationToken ct)
    {
        if (!TryIdFor(p.Type, command, loaded, out var id, out var source))
            throw new InvalidOperationException($"{command.GetType().Name} names no {p.Type.Name}Id for its {p.Type.Name}.");
        if (source != command && id != Guid.Empty && streams.FirstOrDefault(s => ReferenceEquals(s.Value.Aggregate, source)).Key is var from
            && from != Guid.Empty)
        {
            if (_links.Count >= MaxLinks) _links.Clear();
            _links[(from, p.Type)] = id;
        }
        if (!streams.ContainsKey(id)) await StreamLoads.LoadAsync(session, [new StreamFetch(p.Type, id)], streams, ct);
        var stream = streams[id];
        if (stream.Aggregate is null)
        {
            if (p.Optional) return null;
            throw new AggregateNotFoundException(p.Type, id);
        }
        loaded.Add(stream.Aggregate);
        return stream.Aggregate;
    }

    private async Task<object> LoadListAsync(IDocumentSession session, HandlerParameter p, object command,
        List<object> loaded, Dictionary<Guid, LoadedStream> streams, CancellationToken ct)
    {
        var ids = await registry.ListLoaderFor(p.Type)(command, loaded, db, ct);
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(p.Type))!;
        var sorted = ids.Distinct().Order().ToList();
        await StreamLoads.LoadAsync(session, sorted.Where(id => !streams.ContainsKey(id)).Select(id => new StreamFetch(p.Type, id)).ToList(), streams, ct);
        foreach (var id in sorted)
            if (streams[id].Aggregate is { } aggregate) list.Add(aggregate);
        return list;
    }

    /// <summary>The id of an aggregate: <c>{Type}Id</c> on the command, else on an aggregate loaded before it.</summary>
    private static bool TryIdFor(Type aggregateType, object command, IEnumerable<object> loaded, out Guid id) =>
        TryIdFor(aggregateType, command, loaded, out id, out _);

    private static bool TryIdFor(Type aggregateType, object command, IEnumerable<object> loaded, out Guid id, out object? from)
    {
        var name = aggregateType.Name + "Id";
        foreach (var source in loaded.Prepend(command))
        {
            if (source.GetType().GetProperty(name)?.GetValue(source) is Guid found)
            {
                id = found;
                from = source;
                return true;
            }
        }
        id = Guid.Empty;
        from = null;
        return false;
    }
}
