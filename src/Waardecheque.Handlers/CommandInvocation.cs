using JasperFx;
using Waardecheque.Domain;
using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;

namespace Waardecheque.Handlers;

/// <summary>Sends a command through Wolverine with who sent it (actor, correlation id, event headers) on its envelope.</summary>
public static class CommandInvocation
{
    /// <summary>Who a follow-up (a deadline, released credit) acts as: the outbox, not whoever caused it.</summary>
    public const string FollowUpActor = "system:outbox";
    /// <summary>The event header that keeps who caused a follow-up.</summary>
    public const string CausedByHeader = "caused_by";

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
        catch (Exception e) when (e is not ConcurrencyException && Clashes.AsClash(e) is { } clash)
        {
            throw clash;
        }
    }

    /// <summary>The same from a singleton, a test or a benchmark: <c>IMessageBus</c> is scoped, so one bus per call.</summary>
    public static Task<Events> InvokeCommandAsync(this IWolverineRuntime runtime, object command, MessageContext context,
        CancellationToken ct = default) => new MessageBus(runtime).InvokeCommandAsync(command, context, ct);

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
    /// A follow-up acts as <see cref="FollowUpActor"/>, not as whoever caused it (the deadline expired the idea, not the
    /// moderator who approved it): who caused it stays on its events as the <see cref="CausedByHeader"/> header, and the
    /// conversation as the correlation id (as the old outbox did).
    /// </summary>
    public static DeliveryOptions FollowUpOptions(MessageContext cause) =>
        OptionsFor(new MessageContext(FollowUpActor, cause.CorrelationId,
            new Dictionary<string, object> { [CausedByHeader] = cause.Actor }));

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
