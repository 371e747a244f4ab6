using JasperFx;
using Marten;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.Messaging;
using Wolverine;

namespace Waardecheque.Web.Domain;

/// <summary>
/// The Wolverine handlers of every command (issue 9 step B): each is one line around the domain's pure <c>Handle</c>.
/// Wolverine opens the Marten session (<see cref="IDocumentSession"/> parameter + <c>AutoApplyTransactions</c>: its
/// transactional middleware commits it once, after the handler) and retries a version clash with jittered cooldowns
/// (<see cref="CritterStack"/>); the session is new on every attempt. What to load, and how to append, is decided by
/// <see cref="CommandRules"/> (our conventions, run inside Wolverine's session, docs/marten-move.md: why not
/// <c>[WriteAggregate]</c> for these yet).
/// <para>
/// Callers use <see cref="CommandInvocation.InvokeCommandAsync"/>, i.e. <c>IMessageBus.InvokeAsync&lt;Events&gt;</c>: the
/// <see cref="Events"/> returned is the response, never cascaded.
/// </para>
/// </summary>
public static class DomainCommandHandler
{
    public static Task<Events> Handle(ImportHouseholds command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ForwardReleasedCredit command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ReissueCheque command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ActivateCheque command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(DiscloseCodes command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(BlockCheque command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(CreateProgram command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(CloseProgram command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(OpenProgram command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ApproveIdea command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(RejectIdea command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(RecordTopUpRefund command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(WithdrawPledges command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ProposeIdea command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(CollectCheque command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(StartTopUp command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ExpireIdea command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(RecordTopUpPayment command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(CompleteIdea command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(Pledge command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(SubmitExpense command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(WithdrawIdea command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(ApproveExpense command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(RejectExpense command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
    public static Task<Events> Handle(MarkExpensePaid command, IDocumentSession session, Envelope envelope, CommandRules rules, CancellationToken ct) =>
        rules.RunAsync(session, command, envelope, ct);
}

/// <summary>The app's clock and handler conventions, for the Wolverine handlers (built once the event store is open).</summary>
public sealed class CommandRules(StoreHolder holder, HandlerRegistry registry, TimeProvider time)
{
    private CommandBus? _bus;

    private CommandBus Bus => _bus ??= holder.Store.Bus(registry, time);

    public Task<Events> RunAsync(IDocumentSession session, object command, Envelope envelope, CancellationToken ct) =>
        Bus.RunInSessionAsync(session, command, CommandInvocation.ContextOf(envelope), envelope.Attempts, ct);
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
        var options = new DeliveryOptions();
        options.WithHeader(ActorHeader, context.Actor);
        if (context.CorrelationId is not null) options.WithHeader(CorrelationHeader, context.CorrelationId);
        foreach (var (key, value) in context.Headers ?? new Dictionary<string, object>())
            options.WithHeader(EventHeaderPrefix + key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        try
        {
            return await bus.InvokeAsync<Events>(command, options, ct);
        }
        catch (Exception e) when (e is not ConcurrencyException && CommandBus.AsClash(e) is { } clash)
        {
            throw clash;
        }
    }

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
