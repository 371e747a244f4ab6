using Marten;
using Npgsql;
using Stripe;
using Stripe.Checkout;
using Waardecheque.Domain;
using Waardecheque.Domain.Ideas;
using Waardecheque.Payments.Gateway;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Database;
using Waardecheque.Web.Store;
using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>What happened to one verified Stripe event.</summary>
public enum StripeEventOutcome { Handled, Duplicate, Ignored }

/// <summary>
/// A verified Stripe event, applied once: its id goes into <c>stripe_events</c> (primary key) in the SAME transaction as
/// what it changes in the domain, so a duplicate changes nothing and a crash leaves neither. Ids are forgotten after
/// <see cref="StripeEventRetention.Keep"/>, long after Stripe stops sending an event; one sent even later is still
/// applied once, by the top-up's stream. <see cref="Command"/> is the domain command it maps to (null: nothing to do
/// but remember the id).
/// </summary>
public sealed record StripeEventReceived(string EventId, string Type, object? Command);

/// <summary>
/// Turns verified Stripe events into domain commands. Delivery is at least once, in any order, for days: the top-up's
/// stream decides what an event still means (a paid top-up does not lapse, a refunded one does not fail), never the event.
/// <list type="bullet">
/// <item><c>checkout.session.completed</c> with <c>payment_status = paid</c>, <c>checkout.session.async_payment_succeeded</c>:
/// the payment (<see cref="RecordTopUpPayment"/>, which credits it if the idea can still take it, else turns it away and
/// has it refunded);</item>
/// <item><c>checkout.session.expired</c>, <c>checkout.session.async_payment_failed</c>: the top-up lapses;</item>
/// <item><c>refund.updated</c> (succeeded or failed), <c>refund.failed</c>: the refund is recorded, or tried again.</item>
/// </list>
/// </summary>
public sealed class StripeEventInbox(StoreHolder holder, NpgsqlDataSource db, DbSchema schema, IWolverineRuntime wolverine,
    ILogger<StripeEventInbox> log)
{
    public const string Actor = "system:stripe";
    /// <summary>The event header that records which Stripe event caused the domain events.</summary>
    public const string EventHeader = "stripe-event";

    public string Table => schema.Table("stripe_events");

    public async Task<StripeEventOutcome> ApplyAsync(Event stripeEvent, CancellationToken ct)
    {
        if (await SeenAsync(stripeEvent.Id, ct)) return StripeEventOutcome.Duplicate;
        var command = await CommandForAsync(stripeEvent, ct);
        var context = new MessageContext(Actor, stripeEvent.Id, new Dictionary<string, object> { [EventHeader] = stripeEvent.Id });
        var bus = new MessageBus(wolverine);
        try
        {
            await bus.InvokeCommandAsync(new StripeEventReceived(stripeEvent.Id, stripeEvent.Type, command), context, ct);
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            return StripeEventOutcome.Duplicate;   // the same event, delivered twice at the same moment: the other one won
        }
        catch (RuleViolation rule) when (command is not null)
        {
            // Deterministic: trying again would fail again for days. Remember the id and tell a person through the log.
            log.LogError("Stripe event {EventId} ({Type}) broke rule {Code}: {Message}; recorded without effect",
                stripeEvent.Id, stripeEvent.Type, rule.Code, rule.Message);
            try { await bus.InvokeCommandAsync(new StripeEventReceived(stripeEvent.Id, stripeEvent.Type, null), context, ct); }
            catch (Exception e) when (IsUniqueViolation(e)) { }
            return StripeEventOutcome.Ignored;
        }
        return command is null ? StripeEventOutcome.Ignored : StripeEventOutcome.Handled;
    }

    /// <summary>Queued into the command's own session (Wolverine's transaction): the id is kept exactly when the work is.</summary>
    public void Remember(IDocumentSession session, StripeEventReceived received) =>
        session.QueueSqlCommand($"insert into {Table} (event_id, type, received) values (?, ?, now())", received.EventId, received.Type);

    private async Task<bool> SeenAsync(string eventId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select 1 from {Table} where event_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventId });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    private async Task<object?> CommandForAsync(Event e, CancellationToken ct)
    {
        switch (e.Data.Object)
        {
            case Session s when e.Type is EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded:
                if (s.PaymentStatus != "paid") return null;   // a delayed method: async_payment_succeeded follows
                if (await TopUpOfAsync(e, s, ct) is not { } paid) return null;
                return new RecordTopUpPayment(paid.IdeaId, paid.Id, s.AmountTotal ?? 0, s.PaymentIntentId ?? s.Id);
            case Session s when e.Type is EventTypes.CheckoutSessionExpired or EventTypes.CheckoutSessionAsyncPaymentFailed:
                if (await TopUpOfAsync(e, s, ct) is not { } lapsed) return null;
                return new RecordTopUpLapse(lapsed.IdeaId, lapsed.Id,
                    e.Type == EventTypes.CheckoutSessionExpired ? TopUpLapse.Expired : TopUpLapse.Failed);
            case Refund r when e.Type is EventTypes.RefundUpdated or EventTypes.RefundFailed:
                if (r.PaymentIntentId is null || await TopUpQueries.ByPaymentAsync(holder.Store.DataSource, r.PaymentIntentId, ct) is not { } refunded)
                {
                    log.LogWarning("Stripe event {EventId} ({Type}) is about a refund of no top-up of ours", e.Id, e.Type);
                    return null;
                }
                return TopUpRefunds.SettledBy(refunded.IdeaId, refunded.Id, r.Id, e.Type == EventTypes.RefundFailed ? "failed" : r.Status);
            default:
                return null;
        }
    }

    /// <summary>The top-up a session was opened for (our metadata, else the client reference), if it is one of ours.</summary>
    private async Task<TopUpRow?> TopUpOfAsync(Event e, Session s, CancellationToken ct)
    {
        var reference = s.Metadata?.GetValueOrDefault(StripePayments.TopUpIdKey) ?? s.ClientReferenceId;
        var topUp = Guid.TryParse(reference, out var id) ? await TopUpQueries.GetAsync(holder.Store.DataSource, id, ct) : null;
        if (topUp is null) log.LogWarning("Stripe event {EventId} ({Type}) is about session {SessionId}, no top-up of ours", e.Id, e.Type, s.Id);
        return topUp;
    }

    private static bool IsUniqueViolation(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } p && p.ConstraintName?.Contains("stripe_events") == true)
                return true;
        return false;
    }
}
