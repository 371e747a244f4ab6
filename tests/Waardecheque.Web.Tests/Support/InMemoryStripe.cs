using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;
using Waardecheque.Payments;
using Waardecheque.Payments.Gateway;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// The app's built-in Stripe sandbox reached in memory: Stripe.net's transport is the test server's handler, so a
/// checkout is created by the sandbox exactly as over a socket (no webhook is delivered: there is no port to call).
/// </summary>
public static class InMemoryStripe
{
    public static void Use(IServiceCollection services) => services.AddSingleton<IStripeClient>(sp =>
        StripeClientFactory.Create(PaymentsServices.Settings(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<ILoggerFactory>(),
            new LateTestServerHandler(sp)));

    /// <summary>
    /// The test server's in-memory handler, taken at the first request: with pre-generated handler code Wolverine builds
    /// its handlers' services (the Stripe client among them) while the host starts, before the test server hands out one.
    /// </summary>
    private sealed class LateTestServerHandler(IServiceProvider services) : HttpMessageHandler
    {
        private HttpMessageInvoker? _inner;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            _inner ??= new HttpMessageInvoker(((TestServer)services.GetRequiredService<IServer>()).CreateHandler());
            return _inner.SendAsync(request, ct);
        }
    }
}
