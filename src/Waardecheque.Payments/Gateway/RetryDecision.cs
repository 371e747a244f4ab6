using System.Net;

namespace Waardecheque.Payments.Gateway;

/// <summary>Which Stripe answers are worth another try with the same idempotency key (Stripe's own guidance).</summary>
public static class RetryDecision
{
    public static bool ShouldRetry(HttpStatusCode status, string? stripeShouldRetry)
    {
        // Stripe says so explicitly in either direction: trust it over the status code.
        if (string.Equals(stripeShouldRetry, "true", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(stripeShouldRetry, "false", StringComparison.OrdinalIgnoreCase)) return false;
        var code = (int)status;
        // 409: the same key is still running (or a lock timed out); 429: rate limited; 5xx: Stripe had trouble.
        return code == 409 || code == 429 || code >= 500;
    }
}
