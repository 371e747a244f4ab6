using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The sandbox as ASP.NET Core endpoints under a path prefix: Stripe's REST routes (<c>{prefix}/v1/...</c>, so the
/// prefix is Stripe.net's API base) and the checkout page (<c>{prefix}/checkout/{id}</c>). It runs inside the app on
/// the app's own address (the demo) or in a test host.
/// </summary>
public static class SandboxEndpoints
{
    public const string DefaultPrefix = "/stripe-sandbox";

    public static IServiceCollection AddStripeSandbox(this IServiceCollection services, Action<StripeSandboxOptions>? configure = null)
    {
        var options = services.AddOptions<StripeSandboxOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<StripeSandboxOptions>>().Value);
        services.TryAddSingleton<SandboxDatabase>();
        services.TryAddSingleton<SandboxChaos>();
        services.TryAddSingleton<SandboxEvents>();
        services.TryAddSingleton<SandboxSecrets>();
        services.TryAddSingleton<CheckoutSessions>();
        services.TryAddSingleton<PaymentIntents>();
        services.TryAddSingleton<Refunds>();
        services.TryAddSingleton<SandboxApi>();
        services.TryAddSingleton<CheckoutPage>();
        var first = !services.Any(d => d.ServiceType == typeof(SandboxWorker));
        services.TryAddSingleton<SandboxWorker>();
        services.TryAddSingleton(sp => new StripeSandbox(sp.GetRequiredService<SandboxDatabase>(), sp.GetRequiredService<SandboxSecrets>(),
            sp.GetRequiredService<CheckoutSessions>(), sp.GetRequiredService<SandboxWorker>(), sp.GetRequiredService<SandboxChaos>()));
        if (first) services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SandboxWorker>());
        return services;
    }

    public static RouteGroupBuilder MapStripeSandbox(this IEndpointRouteBuilder app, string prefix = DefaultPrefix)
    {
        var group = app.MapGroup(prefix).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();

        group.MapPost("/v1/checkout/sessions", (HttpContext http, SandboxApi api, CheckoutSessions sessions) =>
            api.HandleAsync(http, prefix, CheckoutSessions.CreateRules, sessions.CreateAsync));
        group.MapGet("/v1/checkout/sessions/{id}", (HttpContext http, SandboxApi api, CheckoutSessions sessions) =>
            api.HandleAsync(http, prefix, CheckoutSessions.ReadRules, sessions.GetAsync));
        group.MapPost("/v1/checkout/sessions/{id}/expire", (HttpContext http, SandboxApi api, CheckoutSessions sessions) =>
            api.HandleAsync(http, prefix, CheckoutSessions.ReadRules, sessions.ExpireAsync));
        group.MapGet("/v1/payment_intents/{id}", (HttpContext http, SandboxApi api, PaymentIntents intents) =>
            api.HandleAsync(http, prefix, CheckoutSessions.ReadRules, intents.GetAsync));
        group.MapPost("/v1/refunds", (HttpContext http, SandboxApi api, Refunds refunds) =>
            api.HandleAsync(http, prefix, Refunds.CreateRules, refunds.CreateAsync));
        group.MapGet("/v1/refunds/{id}", (HttpContext http, SandboxApi api, Refunds refunds) =>
            api.HandleAsync(http, prefix, CheckoutSessions.ReadRules, refunds.GetAsync));
        group.Map("/v1/{**rest}", (HttpContext http) => SandboxApi.WriteAsync(http, StripeErrors.Answer(404, "invalid_request_error",
            $"Unrecognized request URL ({http.Request.Method}: {http.Request.Path}). The Waardecheque sandbox knows only the calls top-ups make.")));

        group.MapGet("/checkout/{id}", (HttpContext http, string id, CheckoutPage page) => page.ShowAsync(http, prefix, id));
        group.MapPost("/checkout/{id}/pay", (HttpContext http, string id, CheckoutPage page) => page.PayAsync(http, prefix, id));
        group.MapPost("/checkout/{id}/cancel", (HttpContext http, string id, CheckoutPage page) => page.CancelAsync(http, prefix, id));
        return group;
    }
}
