using Microsoft.Extensions.DependencyInjection.Extensions;
using Waardecheque.Web.Database;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>Top-ups with own money: their tables, the services behind the endpoints and pages, the refund sweep, the
/// hourly clean-ups, and the endpoints.</summary>
public static class TopUpServices
{
    public static IServiceCollection AddTopUps(this IServiceCollection services)
    {
        // The tables, as a start-up task: done before the app reports ready. Tasks run in the order they are added, so
        // this runs where the API's schema made these tables before (right after it, after the event store and
        // Wolverine). A top-up message Wolverine runs before this can only exist on a database that has had top-ups,
        // and so has these tables already.
        services.AddStartupTask<TopUpSchema>();
        services.AddSingleton<TopUpCheckouts>();
        services.AddSingleton<TopUpService>();
        services.AddSingleton<StripeEventInbox>();
        services.AddSingleton<TopUpRefunds>();
        // Tests put a hook here to stop a process between recording a refund and calling Stripe (RefundRestartTests).
        services.TryAddSingleton<IRefundCallHook, NoRefundCallHook>();
        services.AddHostedService<RefundSweep>();
        services.AddSingleton<IHousekeeping, StripeEventRetention>();
        services.AddSingleton<IHousekeeping, CheckoutEmailRetention>();
        services.AddHousekeeping();
        services.AddEndpointModule<TopUpEndpoints>();
        services.AddEndpointModule<StripeWebhookEndpoint>();
        return services;
    }
}
