using Microsoft.Extensions.Logging;
using Stripe;

namespace Waardecheque.Payments.Gateway;

/// <summary>Builds the one <see cref="StripeClient"/> the app uses, with our retry handler underneath.</summary>
public static class StripeClientFactory
{
    /// <param name="innerHandler">The transport; tests may pass another, production uses a pooled socket handler.</param>
    public static StripeClient Create(StripeSettings settings, ILoggerFactory loggers, HttpMessageHandler? innerHandler = null)
    {
        var retrying = new StripeRetryHandler(settings.Retry, loggers.CreateLogger("Waardecheque.Payments.Stripe"))
        {
            InnerHandler = innerHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
        };
        // Our handler bounds each attempt; the client's overall timeout only has to cover all attempts and delays.
        var overall = settings.Retry.AttemptTimeout * settings.Retry.Tries + settings.Retry.MaxDelay * settings.Retry.Tries;
        var http = new HttpClient(retrying) { Timeout = overall };
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.SecretKey,
            ApiBase = string.IsNullOrWhiteSpace(settings.BaseUrl) ? null : settings.BaseUrl.TrimEnd('/'),
            // Stripe.net's own retries off: ours decide (and log) instead, so nothing retries twice over.
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 0),
        });
    }
}
