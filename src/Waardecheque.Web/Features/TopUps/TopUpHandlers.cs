using Marten;
using Stripe;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;
using Waardecheque.Handlers;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>The top-ups' Wolverine handlers, named to the host (nothing is found by scanning: see HandlerSetup).</summary>
public static class TopUpHandlerTypes
{
    public static readonly Type[] All =
        [typeof(StripeEventHandler), typeof(RefundTopUpHandler), typeof(CheckTopUpRefundHandler), typeof(ExpireTopUpCheckoutHandler),
         typeof(CheckTopUpCheckoutHandler)];
}

/// <summary>
/// A verified Stripe event: its id is kept (<c>stripe_events</c>, primary key) in the same Wolverine/Marten transaction
/// as the domain command it maps to, so either both are stored or neither (<see cref="StripeEventInbox"/>).
/// </summary>
public static class StripeEventHandler
{
    public static async Task<CommandDone> Handle(StripeEventReceived received, IDocumentSession session,
        IMessageContext bus, CommandRules rules, StripeEventInbox inbox, CancellationToken ct)
    {
        inbox.Remember(session, received);
        return received.Command is null ? new CommandDone(new Events()) : await rules.RunAsync(RulesOf(received.Command), received.Command, session, bus, ct);
    }

    /// <summary>The domain class holding the rule of each command a Stripe event can map to (StripeEventInbox).</summary>
    private static Type RulesOf(object command) => command switch
    {
        RecordTopUpPayment => typeof(RecordTopUpPaymentHandler),
        RecordTopUpLapse => typeof(RecordTopUpLapseHandler),
        RecordTopUpRefund => typeof(RecordTopUpRefundHandler),
        RecordTopUpRefundFailure => typeof(RecordTopUpRefundFailureHandler),
        _ => throw new InvalidOperationException($"No rule for {command.GetType().Name} from a Stripe event."),
    };
}

/// <summary>
/// A top-up to pay back (<see cref="TopUpRefunds"/>), from Wolverine's durable local queue: no transaction around it.
/// Stripe or the network away: tried again later, with growing pauses, then the dead letters for a person.
/// </summary>
public static class RefundTopUpHandler
{
    public static readonly TimeSpan[] RetryPauses =
        [.. new[] { 5, 30, 120, 600, 1800, 3600, 3600, 3600 }.Select(s => TimeSpan.FromSeconds(s))];

    public static void Configure(HandlerChain chain) => RetryStripeTrouble(chain);

    /// <summary>Stripe or the network away: the message is tried again after <see cref="RetryPauses"/>, then dead-lettered.</summary>
    internal static void RetryStripeTrouble(HandlerChain chain) =>
        chain.OnException(e => e is StripeException or HttpRequestException or TimeoutException or TaskCanceledException)
            .ScheduleRetry(RetryPauses);

    public static Task Handle(RefundTopUp message, TopUpRefunds refunds, CancellationToken ct) => refunds.RefundAsync(message, ct);
}

/// <summary>A pending refund whose webhook may never have come (<see cref="TopUpRefunds.CheckAsync"/>); retried like a refund.</summary>
public static class CheckTopUpRefundHandler
{
    public static void Configure(HandlerChain chain) => RefundTopUpHandler.RetryStripeTrouble(chain);

    public static Task Handle(CheckTopUpRefund message, TopUpRefunds refunds, CancellationToken ct) => refunds.CheckAsync(message, ct);
}

/// <summary>The checkout of a top-up whose idea failed is closed at Stripe (<see cref="TopUpRefunds.ExpireCheckoutAsync"/>).</summary>
public static class ExpireTopUpCheckoutHandler
{
    public static void Configure(HandlerChain chain) => RefundTopUpHandler.RetryStripeTrouble(chain);

    public static Task Handle(ExpireTopUpCheckout message, TopUpRefunds refunds, CancellationToken ct) => refunds.ExpireCheckoutAsync(message, ct);
}

/// <summary>A checkout no webhook settled (<see cref="TopUpRefunds.CheckCheckoutAsync"/>); retried like a refund.</summary>
public static class CheckTopUpCheckoutHandler
{
    public static void Configure(HandlerChain chain) => RefundTopUpHandler.RetryStripeTrouble(chain);

    public static Task Handle(CheckTopUpCheckout message, TopUpRefunds refunds, CancellationToken ct) => refunds.CheckCheckoutAsync(message, ct);
}
