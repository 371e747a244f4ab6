using Microsoft.Extensions.DependencyInjection.Extensions;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>Top-ups with own money: the services behind the endpoints and pages, the refund sweep, and the endpoints.</summary>
public static class TopUpServices
{
    public static IServiceCollection AddTopUps(this IServiceCollection services)
    {
        services.AddSingleton<TopUpCheckouts>();
        services.AddSingleton<TopUpService>();
        services.AddSingleton<StripeEventInbox>();
        services.AddSingleton<TopUpRefunds>();
        // Tests put a hook here to stop a process between recording a refund and calling Stripe (RefundRestartTests).
        services.TryAddSingleton<IRefundCallHook, NoRefundCallHook>();
        services.AddHostedService<RefundSweep>();
        services.AddEndpointModule<TopUpEndpoints>();
        services.AddEndpointModule<StripeWebhookEndpoint>();
        return services;
    }
}
