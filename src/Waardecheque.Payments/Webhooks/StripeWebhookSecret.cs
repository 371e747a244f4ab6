using Microsoft.Extensions.Configuration;
using Waardecheque.Payments.Sandbox;

namespace Waardecheque.Payments.Webhooks;

/// <summary>
/// The secret incoming webhooks are verified with: the configured <c>whsec_...</c> of the Stripe webhook endpoint, or,
/// on the sandbox without one, the secret the sandbox generated and signs with.
/// </summary>
public sealed class StripeWebhookSecret(IConfiguration config, StripeSandbox sandbox)
{
    public async Task<string> GetAsync(CancellationToken ct = default)
    {
        if (config[PaymentsConfig.WebhookSecret] is { Length: > 0 } configured) return configured;
        if (PaymentsServices.UsesSandbox(config)) return await sandbox.WebhookSecretAsync(ct);
        throw new InvalidOperationException(
            $"{PaymentsConfig.WebhookSecret} is not set: with a real Stripe key the webhook endpoint's signing secret is required (docs/payments.md).");
    }
}
