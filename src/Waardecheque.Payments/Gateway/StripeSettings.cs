namespace Waardecheque.Payments.Gateway;

/// <summary>How the app reaches Stripe (or its sandbox). Read from configuration by <see cref="PaymentsServices"/>.</summary>
public sealed record StripeSettings
{
    public required string SecretKey { get; init; }

    /// <summary>Null: Stripe's own https://api.stripe.com.</summary>
    public string? BaseUrl { get; init; }

    public RetrySettings Retry { get; init; } = new();
}
