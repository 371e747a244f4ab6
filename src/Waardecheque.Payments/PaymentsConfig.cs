namespace Waardecheque.Payments;

/// <summary>The configuration keys of payments (API.md, docs/payments.md), in one place.</summary>
public static class PaymentsConfig
{
    /// <summary>Stripe secret key (<c>sk_live_...</c> / <c>sk_test_...</c>). Empty: the built-in sandbox is used.</summary>
    public const string SecretKey = "Waardecheque:Stripe:SecretKey";

    /// <summary>The webhook endpoint's signing secret (<c>whsec_...</c>); the sandbox generates one when empty.</summary>
    public const string WebhookSecret = "Waardecheque:Stripe:WebhookSecret";

    /// <summary>Stripe's API base (default https://api.stripe.com); the sandbox's address when it runs.</summary>
    public const string BaseUrl = "Waardecheque:Stripe:BaseUrl";

    public const string RetryTries = "Waardecheque:Stripe:Retry:Tries";
    public const string RetryFirstDelayMs = "Waardecheque:Stripe:Retry:FirstDelayMs";
    public const string RetryMaxDelayMs = "Waardecheque:Stripe:Retry:MaxDelayMs";
    public const string RetryAttemptTimeoutMs = "Waardecheque:Stripe:Retry:AttemptTimeoutMs";

    /// <summary>Where the sandbox delivers its events; empty keeps them in its outbox until one is set.</summary>
    public const string SandboxWebhookUrl = "Waardecheque:Stripe:Sandbox:WebhookUrl";

    /// <summary>The app's address, used to reach the sandbox it hosts itself.</summary>
    public const string PublicBaseUrl = "Waardecheque:PublicBaseUrl";

    public const string ConnectionStringName = "Waardecheque";
}
