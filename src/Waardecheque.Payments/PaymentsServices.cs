using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;
using Waardecheque.Payments.Gateway;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Payments.Webhooks;

namespace Waardecheque.Payments;

/// <summary>
/// Payments in the web host: the Stripe gateway, the webhook secret, and, when no Stripe secret key is configured,
/// the built-in sandbox on the app's own address. Configuration is read when the services are first resolved (as
/// the app's database services do), so a test host's settings are seen.
/// </summary>
public static class PaymentsServices
{
    public static IServiceCollection AddWaardechequePayments(this IServiceCollection services)
    {
        services.AddStripeSandbox();
        services.AddOptions<StripeSandboxOptions>().Configure<IConfiguration>((o, config) =>
        {
            o.Enabled = UsesSandbox(config);
            o.ConnectionString = config.GetConnectionString(PaymentsConfig.ConnectionStringName) ?? "";
            o.WebhookSecret = NullIfBlank(config[PaymentsConfig.WebhookSecret]);
            // By default the sandbox delivers to the app's own webhook, so that the demo works end to end on one machine.
            o.WebhookUrl = NullIfBlank(config[PaymentsConfig.SandboxWebhookUrl]) ?? AppWebhookUrl(config);
        });
        services.AddSingleton<IStripeClient>(sp =>
            StripeClientFactory.Create(Settings(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<StripePayments>();
        services.AddSingleton<StripeWebhookSecret>();
        return services;
    }

    /// <summary>Maps the sandbox when the app runs without a Stripe key; with a key it never exists.</summary>
    public static WebApplication MapWaardechequePayments(this WebApplication app)
    {
        if (!UsesSandbox(app.Configuration)) return app;
        app.MapStripeSandbox();
        app.Logger.LogInformation("Payments: no Stripe secret key configured; the built-in Stripe sandbox is active at {Address}",
            SandboxBaseUrl(app.Configuration));
        return app;
    }

    public static bool UsesSandbox(IConfiguration config) => string.IsNullOrWhiteSpace(config[PaymentsConfig.SecretKey]);

    public static StripeSettings Settings(IConfiguration config)
    {
        var sandbox = UsesSandbox(config);
        var defaults = new RetrySettings();
        return new StripeSettings
        {
            SecretKey = sandbox ? StripeSandboxOptions.DefaultApiKey : config[PaymentsConfig.SecretKey]!,
            BaseUrl = NullIfBlank(config[PaymentsConfig.BaseUrl]) ?? (sandbox ? SandboxBaseUrl(config) : null),
            Retry = new RetrySettings
            {
                Tries = config.GetValue(PaymentsConfig.RetryTries, defaults.Tries),
                FirstDelay = Millis(config, PaymentsConfig.RetryFirstDelayMs, defaults.FirstDelay),
                MaxDelay = Millis(config, PaymentsConfig.RetryMaxDelayMs, defaults.MaxDelay),
                AttemptTimeout = Millis(config, PaymentsConfig.RetryAttemptTimeoutMs, defaults.AttemptTimeout),
            },
        };
    }

    /// <summary>The app's webhook endpoint (API.md "Payments").</summary>
    public const string WebhookPath = "/api/v1/payments/stripe/webhook";

    /// <summary>Where the sandbox delivers when no <see cref="PaymentsConfig.SandboxWebhookUrl"/> is set: the app itself.</summary>
    public static string AppWebhookUrl(IConfiguration config) => AppBaseUrl(config) + WebhookPath;

    private static string AppBaseUrl(IConfiguration config) =>
        (NullIfBlank(config[PaymentsConfig.PublicBaseUrl]) ?? "http://localhost:5063").TrimEnd('/');

    /// <summary>The sandbox inside the app: the app's public address plus the sandbox prefix.</summary>
    private static string SandboxBaseUrl(IConfiguration config) => AppBaseUrl(config) + SandboxEndpoints.DefaultPrefix;

    private static TimeSpan Millis(IConfiguration config, string key, TimeSpan fallback) =>
        config.GetValue<int?>(key) is { } ms ? TimeSpan.FromMilliseconds(ms) : fallback;

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
