using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Waardecheque.EventStore;

namespace Waardecheque.Messaging;

/// <summary>
/// Runs one command through its pure handler (Wolverine's <c>InvokeAsync</c>): load the aggregates the handler asks
/// for, call <c>Handle</c>, append every event it returns to its stream and write its messages to the outbox, all in
/// one transaction. A version clash means someone else changed a stream in between: the handler runs again on fresh
/// state. The first try is optimistic (no locks, so unrelated commands never wait for each other, and a stream another
/// command holds is a clash at once instead of a wait for one); a retry locks the streams the previous try wrote to,
/// in id order, in the round trip that loads everything, so a hot idea serialises instead of retrying in a storm.
/// Streams a handler appends to without loading them (credit released to many cheques) are locked at commit, after
/// those; that can still deadlock with a pledge on such a cheque. PostgreSQL detects it (deadlock_timeout) and the
/// loser retries. Streams only read are re-checked under a share lock that never waits (see TryOnceAsync).
/// </summary>
public sealed class CommandBus(DocumentStore store, HandlerRegistry registry, TimeProvider? time = null, ILogger<CommandBus>? logger = null)
{
    public const int MaxAttempts = 8;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<CommandBus>.Instance;

    public DocumentStore Store => store;

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
            catch (Exception e) when (attempt < MaxAttempts && IsRetryable(e))
            {
                _logger.LogDebug("{Command} clashed on attempt {Attempt}; retrying", handler.CommandType.Name, attempt);
                lockFirst = written;
                // A stream it only read is being written: wait, holding nothing, until that writer is done.
                if (e is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
                    await WaitForWritersAsync(readOnly.Select(r => r.Id).ToArray(), ct);
                // Jitter spreads the retries of simultaneous losers, so they do not collide again in lock-step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), ct);
            }
        }
    }

    private static bool IsRetryable(Exception e) => e is ConcurrencyException
        || e is PostgresException
        {
            SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable,
        };

    private async Task WaitForWritersAsync(Guid[] streams, CancellationToken ct)
    {
        if (streams.Length == 0) return;
        // Outside any transaction of ours: the share locks are granted once the writer commits and end with the statement.
        await using var cmd = store.DataSource.CreateCommand("select count(*) from (select id from mt_streams where id = any($1) for share) s");
        cmd.Parameters.Add(new NpgsqlParameter { Value = streams });
        await cmd.ExecuteScalarAsync(ct);
    }

    private async Task<Events> TryOnceAsync(HandlerDescriptor handler, object command, MessageContext context,
        IReadOnlyDictionary<Guid, Type> lockFirst, Dictionary<Guid, Type> written, List<(Guid Id, long Version)> readOnly,
        CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = context.Actor;
        session.CorrelationId = context.CorrelationId;
        session.CausationId = registry.MessageName(handler.CommandType);
        // The optimistic first try does not queue behind a writer of its streams: it would only find the version
        // moved once its turn came. It clashes at once and retries in the queue, locking as it loads.
        session.WaitForLockedStreams = lockFirst.Count > 0;
        foreach (var (key, value) in context.Headers ?? new Dictionary<string, object>()) session.SetHeader(key, value);

        // One round trip for all the handler will load, as far as it is known up front (the loop below loads the rest).
        var streams = new Dictionary<Guid, StreamHandle>();
        await StreamHandle.FetchAsync(session, FirstFetch(handler, command, lockFirst, session), streams, ct);

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

        var result = (Events)handler.Handle.Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null)!;

        foreach (var group in result.Appended.GroupBy(e => e.StreamId))
        {
            var events = group.Select(e => e.Data).ToArray();
            var newType = group.First().NewStreamType;
            if (newType is not null)
            {
                StreamHandle.Start(session, newType, group.Key, events);
                written[group.Key] = newType;
            }
            else if (streams.TryGetValue(group.Key, out var stream))
            {
                stream.Append(events);
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
        // share lock, that every stream it read but did not write is unchanged, so a pledge cannot commit after a
        // close it did not see. Share locks do not block each other: pledges still run side by side.
        // This share lock comes after the exclusive locks on the written streams, out of id order, while a command
        // that writes the read stream takes its locks in id order (the close locks the program and the ideas): waiting
        // here would deadlock with it, and the close would lose retry after retry while pledges keep coming. So the
        // share lock does not wait (NOWAIT): when a writer holds the stream, this try lets go of everything, waits
        // for that writer outside any transaction (InvokeAsync) and starts over on what it wrote.
        readOnly.AddRange(streams.Where(s => s.Value.Aggregate is not null && !written.ContainsKey(s.Key))
            .Select(s => (s.Key, s.Value.Version)));
        // The check travels in the append's round trip, after its locks, and its share lock holds until COMMIT.
        if (readOnly.Count > 0) session.OnCommit(ReadStreamsUnchanged(readOnly), (reader, token) => CheckUnchangedAsync(reader, readOnly, token));

        if (result.Messages.Count > 0)
        {
            var rows = result.Messages
                .Select(m => Outbox.Row(m, registry.MessageName(m.Message.GetType()), context, store.Options.Events.JsonOptions)).ToList();
            session.OnCommit((conn, tx, token) => Outbox.InsertAsync(conn, tx, rows, token));
        }

        await session.SaveChangesAsync(ct);
        return result;
    }

    private static NpgsqlBatchCommand ReadStreamsUnchanged(List<(Guid Id, long Version)> streams)
    {
        var cmd = new NpgsqlBatchCommand("select id, version from mt_streams where id = any($1) order by id for share nowait");
        cmd.Parameters.Add(new NpgsqlParameter { Value = streams.Select(s => s.Id).ToArray() });
        return cmd;
    }

    private static async Task CheckUnchangedAsync(NpgsqlDataReader reader, List<(Guid Id, long Version)> streams, CancellationToken ct)
    {
        var versions = new Dictionary<Guid, long>();
        while (await reader.ReadAsync(ct)) versions[reader.GetGuid(0)] = reader.GetInt64(1);
        foreach (var (id, version) in streams)
            if (!versions.TryGetValue(id, out var now) || now != version)
                throw new ConcurrencyException(id, version, versions.TryGetValue(id, out var v) ? v : null);
    }

    /// <summary>
    /// What to load in the first round trip: on a retry the streams the last try wrote, locked (in id order, by the
    /// store); the aggregates the command names; and those named by an aggregate this process has folded before (an idea
    /// names its program). A cached fold may be stale, but it only guesses an id: the loop in TryOnceAsync resolves
    /// every id again from what was actually loaded and loads whatever the guess missed.
    /// </summary>
    private static List<StreamFetch> FirstFetch(HandlerDescriptor handler, object command, IReadOnlyDictionary<Guid, Type> lockFirst,
        IEventSession session)
    {
        var fetches = lockFirst.Select(p => new StreamFetch(p.Value, p.Key, ForUpdate: true)).ToList();
        var included = new HashSet<Guid>(lockFirst.Keys);
        var guessed = new List<object>();
        foreach (var p in handler.Parameters.Where(p => p.Kind == ParameterKind.Aggregate))
        {
            if (!TryIdFor(p.Type, command, guessed, out var id)) continue;
            if (included.Add(id)) fetches.Add(new StreamFetch(p.Type, id));
            if (session.Events.PeekCached(p.Type, id) is { } cached) guessed.Add(cached);
        }
        return fetches;
    }

    private async Task<object?> LoadOneAsync(IEventSession session, HandlerParameter p, object command,
        List<object> loaded, Dictionary<Guid, StreamHandle> streams, CancellationToken ct)
    {
        if (!TryIdFor(p.Type, command, loaded, out var id))
            throw new InvalidOperationException($"{command.GetType().Name} names no {p.Type.Name}Id for its {p.Type.Name}.");
        if (!streams.ContainsKey(id)) await StreamHandle.FetchAsync(session, [new StreamFetch(p.Type, id)], streams, ct);
        var stream = streams[id];
        if (stream.Aggregate is null)
        {
            if (p.Optional) return null;
            throw new AggregateNotFoundException(p.Type, id);
        }
        loaded.Add(stream.Aggregate);
        return stream.Aggregate;
    }

    private async Task<object> LoadListAsync(IEventSession session, HandlerParameter p, object command,
        List<object> loaded, Dictionary<Guid, StreamHandle> streams, CancellationToken ct)
    {
        var ids = await registry.ListLoaderFor(p.Type)(command, loaded, store, ct);
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(p.Type))!;
        var sorted = ids.Distinct().Order().ToList();
        await StreamHandle.FetchAsync(session, sorted.Where(id => !streams.ContainsKey(id)).Select(id => new StreamFetch(p.Type, id)).ToList(), streams, ct);
        foreach (var id in sorted)
            if (streams[id].Aggregate is { } aggregate) list.Add(aggregate);
        return list;
    }

    /// <summary>The id of an aggregate: <c>{Type}Id</c> on the command, else on an aggregate loaded before it.</summary>
    private static bool TryIdFor(Type aggregateType, object command, IEnumerable<object> loaded, out Guid id)
    {
        var name = aggregateType.Name + "Id";
        foreach (var source in loaded.Prepend(command))
        {
            if (source.GetType().GetProperty(name)?.GetValue(source) is Guid found)
            {
                id = found;
                return true;
            }
        }
        id = Guid.Empty;
        return false;
    }
}
