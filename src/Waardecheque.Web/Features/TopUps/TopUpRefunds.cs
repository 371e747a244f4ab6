using Stripe;
using Waardecheque.Domain;
using Waardecheque.Domain.Ideas;
using Waardecheque.Payments.Gateway;
using Waardecheque.Web.Store;
using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// A hook just before a refund is asked of Stripe: nothing in the app; a test stops the host here to show that a refund
/// interrupted between recording and calling is made once, with the same idempotency key, after the restart.
/// </summary>
public interface IRefundCallHook
{
    Task BeforeStripeAsync(RefundTopUp message, string idempotencyKey, CancellationToken ct);
}

internal sealed class NoRefundCallHook : IRefundCallHook
{
    public Task BeforeStripeAsync(RefundTopUp message, string idempotencyKey, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Makes a <see cref="RefundTopUp"/> (sent through Wolverine's durable outbox in the transaction that released the idea
/// or turned the payment away) happen at Stripe. No database transaction is open while Stripe is called. The idempotency
/// key comes from the top-up's stream (<see cref="RefundKeys"/>: one per try, a new one only after Stripe reported the
/// last try failed), so a message delivered twice, a retry after a crash, or a duplicate message all send the same key and
/// Stripe makes one refund. A refund Stripe answers <c>succeeded</c> is recorded at once; a <c>pending</c> one by the
/// <c>refund.updated</c> webhook; a failed one is tried again later (<see cref="RecordTopUpRefundFailure"/>).
/// </summary>
public sealed class TopUpRefunds(StoreHolder holder, StripePayments stripe, IWolverineRuntime wolverine, IRefundCallHook hook,
    TopUpCheckouts checkouts, IConfiguration config, ILogger<TopUpRefunds> log)
{
    public const string Actor = "system:refunds";
    /// <summary>How long a pending refund may wait for its webhook before Stripe is asked (seconds; default an hour).</summary>
    public const string CheckAfterSetting = "Waardecheque:Stripe:RefundCheckAfterSeconds";

    /// <summary>How long after its start a top-up's checkout is looked up at Stripe if no webhook settled it (seconds; default an hour).</summary>
    public const string CheckoutCheckAfterSetting = "Waardecheque:Stripe:CheckoutCheckAfterSeconds";

    private TimeSpan CheckAfter => TimeSpan.FromSeconds(config.GetValue(CheckAfterSetting, 3600));
    private TimeSpan CheckoutCheckAfter => config.GetValue<int?>(CheckoutCheckAfterSetting) is { } s ? TimeSpan.FromSeconds(s)
        : StartTopUpHandler.DefaultCheckAfter;

    public async Task RefundAsync(RefundTopUp message, CancellationToken ct)
    {
        if (await LoadAsync(message.IdeaId, message.TopUpId, ct) is not (_, var topUp))
            throw new RefundImpossible($"Top-up {message.TopUpId} of idea {message.IdeaId} does not exist.");
        if (!topUp.AwaitsRefund) return;   // refunded already (a duplicate message), or never paid
        var key = RefundKeys.For(topUp);
        await hook.BeforeStripeAsync(message, key, ct);

        Refund refund;
        try
        {
            refund = await stripe.RefundAsync(topUp.PaymentReference!, key, ct: ct);
        }
        catch (StripeException e) when (e.StripeError?.Code == "charge_already_refunded")
        {
            // Nothing remains to refund at Stripe (refunded by hand in the dashboard, say): the money is back.
            log.LogWarning("Top-up {TopUpId}: Stripe says payment {Payment} is refunded already; recorded as refunded", topUp.TopUpId, topUp.PaymentReference);
            await RecordAsync(new RecordTopUpRefund(message.IdeaId, message.TopUpId, $"already-refunded:{topUp.PaymentReference}"), ct);
            return;
        }
        catch (StripeException e) when ((int)e.HttpStatusCode is >= 400 and < 500 and not 409 and not 429)
        {
            throw new RefundImpossible($"Stripe refused the refund of top-up {topUp.TopUpId} ({(int)e.HttpStatusCode} {e.StripeError?.Code}).", e);
        }
        log.LogInformation("Top-up {TopUpId}: refund {RefundId} is {Status} (key {Key})", topUp.TopUpId, refund.Id, refund.Status, key);
        // pending, requires_action: refund.updated reports how it ends; should it never come, Stripe is asked later
        if (SettledBy(message.IdeaId, message.TopUpId, refund.Id, refund.Status) is { } settled) await RecordAsync(settled, ct);
        else await CheckLaterAsync(new CheckTopUpRefund(message.IdeaId, message.TopUpId, refund.Id));
    }

    /// <summary>
    /// The safety net for a payment whose webhook never came (<see cref="CheckTopUpCheckout"/>): Stripe is asked how the
    /// checkout ended and the answer goes through the same domain commands as the webhook. A checkout that was recorded
    /// but whose creation never got its answer stored is asked for again under its idempotency key (Stripe replays it);
    /// one that never got that far lapses.
    /// </summary>
    public async Task CheckCheckoutAsync(CheckTopUpCheckout message, CancellationToken ct)
    {
        if (await LoadAsync(message.IdeaId, message.TopUpId, ct) is not (var idea, var topUp) || topUp.State != TopUpState.Started) return;
        var checkout = await checkouts.GetAsync(message.TopUpId, ct);
        if (checkout is null)
        {
            await RecordAsync(new RecordTopUpLapse(message.IdeaId, message.TopUpId, TopUpLapse.Expired), ct);   // Stripe was never asked
            return;
        }
        var session = checkout.SessionId is { } id ? await stripe.GetCheckoutAsync(id, ct)
            : await stripe.CreateTopUpCheckoutAsync(new TopUpCheckout(message.TopUpId, message.IdeaId, idea.Title, topUp.AmountCents,
                checkout.SuccessUrl, checkout.CancelUrl, await StartedAtAsync(message.TopUpId, ct), checkout.Email), checkout.IdempotencyKey, ct);
        if (checkout.SessionId is null) await checkouts.SetSessionAsync(message.TopUpId, session.Id, session.Url, ct);
        log.LogInformation("Top-up {TopUpId}: no webhook settled checkout {Session}; Stripe says {Status}/{PaymentStatus}",
            message.TopUpId, session.Id, session.Status, session.PaymentStatus);
        switch (session.Status, session.PaymentStatus)
        {
            case ("complete", "paid"):
                await RecordAsync(new RecordTopUpPayment(message.IdeaId, message.TopUpId, session.AmountTotal ?? 0, session.PaymentIntentId ?? session.Id), ct);
                break;
            case ("expired", _):
                await RecordAsync(new RecordTopUpLapse(message.IdeaId, message.TopUpId, TopUpLapse.Expired), ct);
                break;
            default:   // still open, or a delayed payment method not settled yet
                await new MessageBus(wolverine).ScheduleAsync(message, CheckoutCheckAfter);
                break;
        }
    }

    /// <summary>The top-up's start time (as <see cref="TopUpService"/> sent it): the checkout's expiry is derived from it, so a
    /// replay sends the same parameters.</summary>
    private async Task<DateTimeOffset> StartedAtAsync(Guid topUpId, CancellationToken ct) =>
        (await ReadModels.Queries.TopUpQueries.GetAsync(holder.Store.DataSource, topUpId, ct))?.StartedAt
        ?? throw new RefundImpossible($"Top-up {topUpId} has no row in rm_topups.");

    /// <summary>
    /// Closes the checkout of a top-up whose idea failed (<see cref="ExpireTopUpCheckout"/>). Stripe answers with the
    /// expired session and sends <c>checkout.session.expired</c>, which lapses the top-up; a session that was paid or
    /// had expired already cannot be expired (400) and is left to its own webhook.
    /// </summary>
    public async Task ExpireCheckoutAsync(ExpireTopUpCheckout message, CancellationToken ct)
    {
        if (await LoadAsync(message.IdeaId, message.TopUpId, ct) is not (_, var topUp) || topUp.State != TopUpState.Started) return;
        if (await checkouts.GetAsync(message.TopUpId, ct) is not { SessionId: { } session }) return;   // no checkout was opened
        try
        {
            await stripe.ExpireCheckoutAsync(session, $"wc-expire-{message.TopUpId:N}", ct);
        }
        catch (StripeException e) when ((int)e.HttpStatusCode == 400)
        {
            log.LogInformation("Checkout {Session} of top-up {TopUpId} was not open any more: {Code}", session, message.TopUpId, e.StripeError?.Code);
        }
    }

    /// <summary>The safety net for a pending refund whose webhook never came: ask Stripe how it ended.</summary>
    public async Task CheckAsync(CheckTopUpRefund message, CancellationToken ct)
    {
        if (await LoadAsync(message.IdeaId, message.TopUpId, ct) is not (_, var topUp) || !topUp.AwaitsRefund) return;
        if (topUp.FailedRefunds.Contains(message.RefundReference)) return;   // that try failed and a new one runs
        var refund = await stripe.GetRefundAsync(message.RefundReference, ct);
        if (SettledBy(message.IdeaId, message.TopUpId, refund.Id, refund.Status) is { } settled) await RecordAsync(settled, ct);
        else await CheckLaterAsync(message);
    }

    /// <summary>
    /// What a refund's status at Stripe means for its top-up: made (<see cref="RecordTopUpRefund"/>), failed or
    /// cancelled (<see cref="RecordTopUpRefundFailure"/>: tried again with a new key), or null while it is still on its
    /// way. The one reading of that status for the refund's own answer, the check and the webhook (StripeEventInbox).
    /// </summary>
    internal static object? SettledBy(Guid ideaId, Guid topUpId, string refundId, string? status) => status switch
    {
        "succeeded" => new RecordTopUpRefund(ideaId, topUpId, refundId),
        "failed" or "canceled" => new RecordTopUpRefundFailure(ideaId, topUpId, refundId),
        _ => null,
    };

    private async Task CheckLaterAsync(CheckTopUpRefund message) =>
        await new MessageBus(wolverine).ScheduleAsync(message, CheckAfter);

    private Task RecordAsync(object command, CancellationToken ct) =>
        new MessageBus(wolverine).InvokeCommandAsync(command, MessageContext.System("refunds") with { Actor = Actor }, ct);

    /// <summary>The idea as it stands now (Marten folds it by its Create/Apply) and one of its top-ups, or null when either is missing.</summary>
    private async Task<(Idea Idea, TopUp TopUp)?> LoadAsync(Guid ideaId, Guid topUpId, CancellationToken ct)
    {
        await using var session = holder.Store.LightweightSession();
        var idea = await session.Events.FetchLatest<Idea>(ideaId, ct);
        return idea is not null && idea.TopUps.TryGetValue(topUpId, out var topUp) ? (idea, topUp) : null;
    }
}

/// <summary>A refund that cannot be made by trying again: it goes to Wolverine's dead letters for a person.</summary>
public sealed class RefundImpossible(string message, Exception? inner = null) : Exception(message, inner), IPermanentError;
