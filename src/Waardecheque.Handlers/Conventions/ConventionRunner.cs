using System.Reflection;
using Marten;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.ReadModels;

namespace Waardecheque.Handlers.Conventions;

/// <summary>
/// One attempt of a command inside a Marten session that Wolverine's transactional middleware commits: stamps the
/// session with who sent it, loads the aggregates the pure rule asks for (<see cref="PureHandler"/>: Marten's
/// <c>FetchForWriting</c>, batched), runs the rule, appends every event it returns to its own stream (each with the
/// version it was loaded at; never returned to Wolverine, CRITTER-NOTES trap 3) and queues the re-check of the streams it
/// only read (<see cref="ReadStreamsCheck"/>). No <c>SaveChangesAsync</c> here.
/// <para>
/// From the second attempt on (Wolverine's clash retries), the streams the command names are fetched with Marten's row
/// lock (<c>FetchForExclusiveWriting</c>, in id order), so a hot idea's retries queue instead of clashing again.
/// Streams the rule appends to without loading them (credit released to many cheques) get no version check; a race
/// there is a clash and a retry too.
/// </para>
/// </summary>
internal static class ConventionRunner
{
    public static async Task<Events> RunAsync(IDocumentSession session, PureHandler handler, object command, MessageContext context,
        int attempt, DateTimeOffset now, NpgsqlDataSource lists, CancellationToken ct)
    {
        if (attempt <= 1) handler.Validate?.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [command], null);
        session.LastModifiedBy = context.Actor;
        session.CorrelationId = context.CorrelationId;
        session.CausationId = MessageNames.Of(handler.CommandType);
        foreach (var (key, value) in context.Headers ?? new Dictionary<string, object>()) session.SetHeader(key, value);

        // One round trip for all the rule will load, as far as it is known up front (the loop below loads the rest).
        var streams = new Dictionary<Guid, LoadedStream>();
        var guessed = new HashSet<Guid>();
        await StreamLoads.LoadAsync(session, FirstFetch(handler, command, exclusive: attempt > 1, guessed), streams, ct);

        var args = new object?[handler.Parameters.Count + 1];
        args[0] = command;
        var loaded = new List<object>();
        for (var i = 0; i < handler.Parameters.Count; i++)
        {
            var p = handler.Parameters[i];
            args[i + 1] = p.Kind switch
            {
                ParameterKind.Now => now,
                ParameterKind.Aggregate => await LoadOneAsync(session, p, command, loaded, streams, ct),
                ParameterKind.AggregateList => await LoadListAsync(session, p, command, loaded, streams, lists, ct),
                _ => throw new InvalidOperationException(p.Kind.ToString()),
            };
        }

        // A guessed stream that no parameter took is not part of this command: it is neither re-checked nor written.
        foreach (var id in guessed)
            if (streams[id].Aggregate is not { } aggregate
                || !args.Any(a => ReferenceEquals(a, aggregate) || (a is System.Collections.IList list && list.Contains(aggregate))))
                streams.Remove(id);

        var result = (Events)handler.Handle.Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null)!;

        var written = new HashSet<Guid>();
        foreach (var group in result.Appended.GroupBy(e => e.StreamId))
        {
            var events = group.Select(e => e.Data).ToArray();
            var newType = group.First().NewStreamType;
            if (newType is not null) StreamLoads.Start(session, newType, group.Key, events);
            else if (streams.TryGetValue(group.Key, out var stream))
            {
                stream.Append(events);   // checked against the version it was loaded at (FetchForWriting)
                written.Add(group.Key);
            }
            else
            {
                // A stream the rule did not load (e.g. releasing credit back to many cheques): no version check, which
                // is safe only for events that cannot break a rule of that stream; the rules promise that.
                session.Events.Append(group.Key, events);
            }
        }

        // A rule decides on what it read, too: a pledge reads the program to see it is open. Re-check, under a share
        // lock that never waits, that every stream it read but did not write is unchanged, so a pledge cannot commit
        // after a close it did not see; when it moved or is being written, the attempt fails and Wolverine retries.
        var readOnly = streams.Where(s => s.Value.Aggregate is not null && !written.Contains(s.Key))
            .Select(s => (s.Key, s.Value.Version)).ToList();
        if (readOnly.Count > 0) ReadStreamsCheck.Queue(session, readOnly);
        return result;
    }

    /// <summary>What to load in the first round trip: the aggregates the command names directly (locked on a retry),
    /// and those named by another aggregate (an idea names its program) as far as earlier loads told (<see cref="StreamLinks"/>;
    /// only read, so never locked). The rest follow in a second round trip.</summary>
    private static List<StreamFetch> FirstFetch(PureHandler handler, object command, bool exclusive, HashSet<Guid> guessed)
    {
        var fetches = new List<StreamFetch>();
        var included = new HashSet<Guid>();
        var named = new List<Guid>();
        var unnamed = new List<Type>();
        foreach (var p in handler.Parameters.Where(p => p.Kind == ParameterKind.Aggregate))
        {
            if (!TryIdFor(p.Type, command, [], out var id, out _)) unnamed.Add(p.Type);
            else
            {
                named.Add(id);
                if (included.Add(id)) fetches.Add(new StreamFetch(p.Type, id, exclusive));
            }
        }
        foreach (var type in unnamed)
            foreach (var from in named)
                if (StreamLinks.TryGuess(from, type, out var guess) && included.Add(guess))
                {
                    fetches.Add(new StreamFetch(type, guess));
                    guessed.Add(guess);
                    break;
                }
        return fetches;
    }

    private static async Task<object?> LoadOneAsync(IDocumentSession session, HandlerParameter p, object command,
        List<object> loaded, Dictionary<Guid, LoadedStream> streams, CancellationToken ct)
    {
        if (!TryIdFor(p.Type, command, loaded, out var id, out var source))
            throw new InvalidOperationException($"{command.GetType().Name} names no {p.Type.Name}Id for its {p.Type.Name}.");
        if (source != command && id != Guid.Empty && streams.FirstOrDefault(s => ReferenceEquals(s.Value.Aggregate, source)).Key is var from
            && from != Guid.Empty)
            StreamLinks.Learn(from, p.Type, id);
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

    private static async Task<object> LoadListAsync(IDocumentSession session, HandlerParameter p, object command,
        List<object> loaded, Dictionary<Guid, LoadedStream> streams, NpgsqlDataSource lists, CancellationToken ct)
    {
        var ids = await ListLoaders.For(p.Type)(command, loaded, lists, ct);
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(p.Type))!;
        var sorted = ids.Distinct().Order().ToList();
        await StreamLoads.LoadAsync(session, sorted.Where(id => !streams.ContainsKey(id)).Select(id => new StreamFetch(p.Type, id)).ToList(), streams, ct);
        foreach (var id in sorted)
            if (streams[id].Aggregate is { } aggregate) list.Add(aggregate);
        return list;
    }

    /// <summary>The id of an aggregate: <c>{Type}Id</c> on the command, else on an aggregate loaded before it.</summary>
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
