using Marten;
using Stripe;
using Waardecheque.Domain.Ideas;
using Waardecheque.Messaging;
using Waardecheque.Web.Domain;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Waardecheque.Web.TopUps;

/// <summary>
/// A verified Stripe event: its id is kept (<c>stripe_events</c>, primary key) in the same Wolverine/Marten transaction
/// as the domain command it maps to, so either both are stored or neither (<see cref="StripeEventInbox"/>).
/// </summary>
public static class StripeEventHandler
{
    public static async Task<CommandDone> Handle(StripeEventReceived received, IDocumentSession session, Envelope envelope,
        IMessageContext bus, CommandRules rules, StripeEventInbox inbox, CancellationToken ct)
    {
        inbox.Remember(session, received);
        return received.Command is null ? new CommandDone(new Events()) : await rules.RunAsync(session, received.Command, envelope, bus, ct);
    }
}

/// <summary>
/// A top-up to pay back (<see cref="TopUpRefunds"/>), from Wolverine's durable local queue: no transaction around it.
/// Stripe or the network away: tried again later, with growing pauses, then the dead letters for a person.
/// </summary>
public static class RefundTopUpHandler
{
    public static readonly TimeSpan[] RetryPauses =
        [.. new[] { 5, 30, 120, 600, 1800, 3600, 3600, 3600 }.Select(s => TimeSpan.FromSeconds(s))];

    public static void Configure(HandlerChain chain) =>
        chain.OnException(e => e is StripeException or HttpRequestException or TimeoutException or TaskCanceledException)
            .ScheduleRetry(RetryPauses);

    public static Task Handle(RefundTopUp message, TopUpRefunds refunds, CancellationToken ct) => refunds.RefundAsync(message, ct);
}

/// <summary>A pending refund whose webhook may never have come (<see cref="TopUpRefunds.CheckAsync"/>); retried like a refund.</summary>
public static class CheckTopUpRefundHandler
{
    public static void Configure(HandlerChain chain) =>
        chain.OnException(e => e is StripeException or HttpRequestException or TimeoutException or TaskCanceledException)
            .ScheduleRetry(RefundTopUpHandler.RetryPauses);

    public static Task Handle(CheckTopUpRefund message, TopUpRefunds refunds, CancellationToken ct) => refunds.CheckAsync(message, ct);
}
