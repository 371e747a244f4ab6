using JasperFx;
using Marten;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.Messaging;
using Wolverine;
using MessageContext = Waardecheque.Messaging.MessageContext;

namespace Waardecheque.Web.Domain;

/// <summary>
/// The Wolverine handlers of every command (issue 9 step B): each is one line around the domain's pure <c>Handle</c>.
/// Wolverine opens the Marten session (<see cref="IDocumentSession"/> parameter + <c>AutoApplyTransactions</c>: its
/// transactional middleware commits it once, after the handler) and retries a version clash with jittered cooldowns
/// (<see cref="CritterStack"/>); the session is new on every attempt. What to load, and how to append, is decided by
/// <see cref="CommandRules"/> (our conventions, run inside Wolverine's session; docs/marten-move.md says why not
/// <c>[WriteAggregate]</c> for these yet). The messages a rule sends (an idea's deadline, released credit) go through
/// Wolverine's durable outbox in the same transaction: scheduled ones as Scheduled envelopes.
/// <para>
/// Callers use <see cref="CommandInvocation.InvokeCommandAsync"/>, i.e. <c>IMessageBus.InvokeAsync&lt;CommandDone&gt;</c>:
/// the <see cref="CommandDone"/> is the response. A follow-up delivered from a queue has no caller: Wolverine then
/// publishes the return value, which nothing handles (one "no routes" line at Information).
/// </para>
/// </summary>
public static class DomainCommandHandler
{
    public static Task<CommandDone> Handle(ImportHouseholds command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ForwardReleasedCredit command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ReissueCheque command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ActivateCheque command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(DiscloseCodes command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(BlockCheque command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(CreateProgram command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(CloseProgram command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(OpenProgram command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ApproveIdea command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(RejectIdea command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(RecordTopUpRefund command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(WithdrawPledges command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ProposeIdea command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(CollectCheque command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(StartTopUp command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ExpireIdea command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(RecordTopUpLapse command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(RecordTopUpRefundFailure command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(RecordTopUpPayment command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(CompleteIdea command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(Pledge command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(SubmitExpense command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(WithdrawIdea command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(ApproveExpense command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(RejectExpense command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
    public static Task<CommandDone> Handle(MarkExpensePaid command, IDocumentSession session, Envelope envelope, IMessageContext bus, CommandRules rules,
        CancellationToken ct) => rules.RunAsync(session, command, envelope, bus, ct);
}

/// <summary>What a command appended and sent (the response of <c>InvokeAsync</c>; not a message, so never routed).</summary>
public sealed record CommandDone(Events Events);

/// <summary>The app's clock and handler conventions, for the Wolverine handlers (built once the event store is open).</summary>
public sealed class CommandRules(StoreHolder holder, HandlerRegistry registry, TimeProvider time)
{
    private CommandBus? _bus;

    private CommandBus Bus => _bus ??= holder.Store.Bus(registry, time);

    public async Task<CommandDone> RunAsync(IDocumentSession session, object command, Envelope envelope, IMessageContext bus,
        CancellationToken ct)
    {
        var context = CommandInvocation.ContextOf(envelope);
        var events = await Bus.RunInSessionAsync(session, command, context, envelope.Attempts, ct, queueMessages: false);
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

/// <summary>Sends a command through Wolverine with who sent it (actor, correlation id, event headers) on its envelope.</summary>
public static class CommandInvocation
{
    private const string ActorHeader = "wc-actor";
    private const string CorrelationHeader = "wc-correlation";
    private const string EventHeaderPrefix = "wc-h-";

    /// <summary>
    /// Runs <paramref name="command"/> inline through Wolverine (its handler, transaction and retries) and returns what it
    /// appended. A clash that outlived the retries (or a read stream that moved, a deadlock) reaches the caller as
    /// JasperFx's <see cref="ConcurrencyException"/>: a 409 <c>conflict</c>.
    /// </summary>
    public static async Task<Events> InvokeCommandAsync(this IMessageBus bus, object command, MessageContext context,
        CancellationToken ct = default)
    {
        try
        {
            var done = await bus.InvokeAsync<CommandDone>(command, OptionsFor(context), ct);
            return done.Events;
        }
        catch (Exception e) when (e is not ConcurrencyException && CommandBus.AsClash(e) is { } clash)
        {
            throw clash;
        }
    }

    private static DeliveryOptions OptionsFor(MessageContext context)
    {
        var options = new DeliveryOptions();
        options.WithHeader(ActorHeader, context.Actor);
        if (context.CorrelationId is not null) options.WithHeader(CorrelationHeader, context.CorrelationId);
        foreach (var (key, value) in context.Headers ?? new Dictionary<string, object>())
            options.WithHeader(EventHeaderPrefix + key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return options;
    }

    /// <summary>
    /// A follow-up acts as <see cref="OutboxWorker.Actor"/>, not as whoever caused it (the deadline expired the idea, not the
    /// moderator who approved it): who caused it stays on its events as the <c>caused_by</c> header, and the conversation
    /// as the correlation id (as the old outbox did).
    /// </summary>
    public static DeliveryOptions FollowUpOptions(MessageContext cause) =>
        OptionsFor(new MessageContext(OutboxWorker.Actor, cause.CorrelationId,
            new Dictionary<string, object> { [OutboxWorker.CausedByHeader] = cause.Actor }));

    /// <summary>The sender's context as <see cref="InvokeCommandAsync"/> put it on the envelope.</summary>
    public static MessageContext ContextOf(Envelope envelope)
    {
        var headers = envelope.Headers;
        var events = headers.Where(h => h.Key.StartsWith(EventHeaderPrefix, StringComparison.Ordinal))
            .ToDictionary(h => h.Key[EventHeaderPrefix.Length..], h => (object)(h.Value ?? ""));
        return new MessageContext(headers.GetValueOrDefault(ActorHeader) ?? "system:wolverine", headers.GetValueOrDefault(CorrelationHeader),
            events.Count == 0 ? null : events);
    }
}
