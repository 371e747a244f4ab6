using System.Globalization;
using Stripe;

namespace Waardecheque.Payments.Webhooks;

public enum WebhookRefusal
{
    /// <summary>No <c>Stripe-Signature</c> header at all.</summary>
    Unsigned,
    /// <summary>The signature does not match the body and our secret.</summary>
    Forged,
    /// <summary>Signed more than <see cref="StripeWebhooks.ToleranceSeconds"/> away from now: possibly a replay.</summary>
    TooOld,
    /// <summary>The event carries no <c>api_version</c>.</summary>
    Unversioned,
    /// <summary>The event was rendered for another API version than the one Stripe.net 53.1.0 reads.</summary>
    OtherApiVersion,
    /// <summary>Signed correctly but not an event we can read.</summary>
    Malformed,
}

/// <summary>A verified event, or why it was refused (in English: for the log, never shown to a resident).</summary>
public sealed record WebhookVerdict(Event? Event, WebhookRefusal? Refusal, string? Reason)
{
    public bool Accepted => Event is not null;
    public static WebhookVerdict Accept(Event e) => new(e, null, null);
    public static WebhookVerdict Refuse(WebhookRefusal why, string reason) => new(null, why, reason);
}

/// <summary>
/// Verifies a Stripe webhook with Stripe.net's <see cref="EventUtility.ConstructEvent(string,string,string,long,long,bool)"/>
/// (HMAC-SHA256 over "{t}.{body}", several v1 during a secret's rotation) and then checks the API version ourselves,
/// so the refusal can say which check failed.
/// </summary>
public static class StripeWebhooks
{
    public const long ToleranceSeconds = 300;

    /// <param name="rawBody">The request body exactly as received: re-serialized JSON would not match the signature.</param>
    public static WebhookVerdict Verify(string rawBody, string? signatureHeader, string webhookSecret, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
            return WebhookVerdict.Refuse(WebhookRefusal.Unsigned, "No Stripe-Signature header.");

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(rawBody, signatureHeader, webhookSecret, ToleranceSeconds,
                now.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            return SignedAt(signatureHeader) is { } t && Math.Abs(now.ToUnixTimeSeconds() - t) > ToleranceSeconds
                ? WebhookVerdict.Refuse(WebhookRefusal.TooOld, $"Signed at {t}, more than {ToleranceSeconds} s from now.")
                : WebhookVerdict.Refuse(WebhookRefusal.Forged, e.Message);
        }
        // Stripe.net parses with System.Text.Json here, Newtonsoft elsewhere: a body that is no event is refused either way.
        catch (Exception e) when (e is System.Text.Json.JsonException or Newtonsoft.Json.JsonException)
        {
            return WebhookVerdict.Refuse(WebhookRefusal.Malformed, e.Message);
        }

        if (string.IsNullOrWhiteSpace(stripeEvent.ApiVersion))
            return WebhookVerdict.Refuse(WebhookRefusal.Unversioned, $"Event {stripeEvent.Id} has no api_version.");
        if (stripeEvent.ApiVersion != StripeConfiguration.ApiVersion)
            return WebhookVerdict.Refuse(WebhookRefusal.OtherApiVersion,
                $"Event {stripeEvent.Id} is in API version {stripeEvent.ApiVersion}; Stripe.net reads {StripeConfiguration.ApiVersion}.");
        return WebhookVerdict.Accept(stripeEvent);
    }

    /// <summary>The <c>t=</c> of a signature header, to tell an old signature from a wrong one.</summary>
    private static long? SignedAt(string header)
    {
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim() == "t" && long.TryParse(kv[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                return t;
        }
        return null;
    }
}
