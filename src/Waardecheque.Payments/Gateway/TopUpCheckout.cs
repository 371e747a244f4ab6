namespace Waardecheque.Payments.Gateway;

/// <summary>
/// What a Checkout Session for one top-up needs. <paramref name="StartedAt"/> is the top-up's own start time, not
/// "now": the session's expiry is derived from it, so a process that dies and retries with the same idempotency key
/// sends exactly the same parameters (Stripe refuses a key reused with other parameters).
/// </summary>
public sealed record TopUpCheckout(
    Guid TopUpId,
    Guid IdeaId,
    string IdeaTitle,
    long AmountCents,
    string SuccessUrl,
    string CancelUrl,
    DateTimeOffset StartedAt,
    string? Email = null);
