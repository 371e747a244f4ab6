using Stripe;
using Stripe.Checkout;

namespace Waardecheque.Payments.Gateway;

/// <summary>
/// Our thin wrapper over Stripe.net: the few calls the top-ups need, each shaped as STRIPE.md says. It adds no state;
/// callers store the idempotency key with the top-up or refund BEFORE calling, and never call inside a transaction.
/// </summary>
public sealed class StripePayments(IStripeClient client)
{
    /// <summary>Stripe lets a Checkout Session live between 30 minutes and 24 hours; a top-up holds its place briefly.</summary>
    public static readonly TimeSpan CheckoutLifetime = TimeSpan.FromMinutes(30);

    public const string IdeaIdKey = "idea_id";
    public const string TopUpIdKey = "top_up_id";

    private readonly SessionService _sessions = new(client);
    private readonly RefundService _refunds = new(client);

    public Task<Session> CreateTopUpCheckoutAsync(TopUpCheckout topUp, string idempotencyKey, CancellationToken ct = default) =>
        _sessions.CreateAsync(CheckoutOptions(topUp), Keyed(idempotencyKey), ct);

    public Task<Session> GetCheckoutAsync(string sessionId, CancellationToken ct = default) =>
        _sessions.GetAsync(sessionId, cancellationToken: ct);

    /// <summary>Ends an open session early (e.g. the idea closed while the resident was paying).</summary>
    public Task<Session> ExpireCheckoutAsync(string sessionId, string idempotencyKey, CancellationToken ct = default) =>
        _sessions.ExpireAsync(sessionId, null, Keyed(idempotencyKey), ct);

    /// <summary>Refunds a paid top-up, wholly or <paramref name="amountCents"/> of it.</summary>
    public Task<Refund> RefundAsync(string paymentIntentId, string idempotencyKey, long? amountCents = null, CancellationToken ct = default) =>
        _refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntentId, Amount = amountCents }, Keyed(idempotencyKey), ct);

    public Task<Refund> GetRefundAsync(string refundId, CancellationToken ct = default) =>
        _refunds.GetAsync(refundId, cancellationToken: ct);

    internal static SessionCreateOptions CheckoutOptions(TopUpCheckout topUp)
    {
        if (topUp.AmountCents <= 0) throw new ArgumentOutOfRangeException(nameof(topUp), "A top-up is a positive number of cents.");
        return new SessionCreateOptions
        {
            Mode = "payment",
            AllowedPaymentMethodTypes = ["ideal", "card"],
            Locale = "nl",
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = "eur",
                        UnitAmount = topUp.AmountCents,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = topUp.IdeaTitle },
                    },
                },
            ],
            SuccessUrl = topUp.SuccessUrl,
            CancelUrl = topUp.CancelUrl,
            ClientReferenceId = topUp.TopUpId.ToString(),
            CustomerEmail = topUp.Email,
            Metadata = new Dictionary<string, string>
            {
                [IdeaIdKey] = topUp.IdeaId.ToString(),
                [TopUpIdKey] = topUp.TopUpId.ToString(),
            },
            ExpiresAt = (topUp.StartedAt + CheckoutLifetime).UtcDateTime,
        };
    }

    private static RequestOptions Keyed(string idempotencyKey)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey)) throw new ArgumentException("Every Stripe create carries an idempotency key.", nameof(idempotencyKey));
        return new RequestOptions { IdempotencyKey = idempotencyKey };
    }
}
