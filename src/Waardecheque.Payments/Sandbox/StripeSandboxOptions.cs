namespace Waardecheque.Payments.Sandbox;

/// <summary>Settings of the built-in Stripe sandbox. Tests shrink the intervals; the app reads them from configuration.</summary>
public sealed class StripeSandboxOptions
{
    /// <summary>The key Stripe.net must present when the app runs on the sandbox (no real key configured).</summary>
    public const string DefaultApiKey = "sk_test_waardecheque_sandbox";

    /// <summary>False: the services exist but the worker does nothing (the app has a real Stripe key).</summary>
    public bool Enabled { get; set; } = true;

    public string ConnectionString { get; set; } = "";

    /// <summary>The sandbox's own schema, apart from the app's tables; it must survive an app restart.</summary>
    public string Schema { get; set; } = "stripe_sandbox";

    public string ApiKey { get; set; } = DefaultApiKey;

    /// <summary>Signs events; when empty the sandbox generates a <c>whsec_...</c> once and keeps it in its schema.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Where events are POSTed; empty: they wait in the outbox.</summary>
    public string? WebhookUrl { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan FirstRedeliveryDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRedeliveryDelay { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
