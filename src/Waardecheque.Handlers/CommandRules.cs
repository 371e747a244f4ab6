using Marten;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Handlers.Conventions;
using Wolverine;

namespace Waardecheque.Handlers;

/// <summary>What a command appended and sent (the response of <c>InvokeAsync</c>; not a message, so never routed).</summary>
public sealed record CommandDone(Events Events);

/// <summary>
/// Runs a domain rule inside a Wolverine handler: its aggregates loaded by our conventions (<see cref="ConventionRunner"/>)
/// in Wolverine's session, its follow-ups sent through Wolverine's durable outbox in the same transaction (scheduled ones
/// as Scheduled envelopes). One per host: the app's clock and the pool the list loaders read (search_path = the schema).
/// </summary>
public sealed class CommandRules(TimeProvider time, NpgsqlDataSource lists)
{
    private long _retries;

    public TimeProvider Time => time;

    /// <summary>How many attempts were retries after a clash, since start (the benchmarks print it).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    public async Task<CommandDone> RunAsync(Type rules, object command, IDocumentSession session, IMessageContext bus, CancellationToken ct)
    {
        var envelope = bus.Envelope ?? throw new InvalidOperationException("A command runs inside a Wolverine envelope.");
        var context = CommandInvocation.ContextOf(envelope);
        if (envelope.Attempts > 1) Interlocked.Increment(ref _retries);
        var events = await ConventionRunner.RunAsync(session, PureHandler.For(rules, command.GetType()), command, context,
            envelope.Attempts, time.GetUtcNow(), lists, ct);
        // Enrolled in the session's transaction by Wolverine's Marten integration: stored with the events, sent after commit.
        // A retried attempt can leave the messages of the failed one queued too (Wolverine does not clear them between
        // inline attempts): follow-ups are delivered at least once anyway, and their handlers are idempotent.
        foreach (var message in events.Messages)
        {
            var options = CommandInvocation.FollowUpOptions(context);
            if (message.DueAt is { } due) await bus.ScheduleAsync(message.Message, due, options);
            else await bus.PublishAsync(message.Message, options);
        }
        return new CommandDone(events);
    }
}
