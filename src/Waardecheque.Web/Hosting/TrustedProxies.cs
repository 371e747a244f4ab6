using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;

namespace Waardecheque.Web.Hosting;

/// <summary>
/// Behind a reverse proxy or load balancer that ends TLS, every request seems to come from the proxy over plain
/// HTTP: the code-attempt limit would then count all residents of the city as one client, and cookies would lose
/// their Secure flag. <c>Waardecheque:TrustedProxies</c> lists the proxies' addresses or networks
/// (<c>10.0.0.5, 10.1.0.0/16</c>); only requests from those have their <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> believed. Without the setting, forwarded headers are ignored: a client could otherwise
/// pick a new address for every guess by sending the header itself.
/// </summary>
public static class TrustedProxies
{
    internal static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, config) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // No limit on the chain: the middleware walks X-Forwarded-For from the right and stops at the first
            // address that is not a trusted proxy, which is the client as the outermost trusted proxy saw it.
            options.ForwardLimit = null;
            options.KnownProxies.Clear(); // the framework trusts loopback by default; here only what is configured
            options.KnownIPNetworks.Clear();
            foreach (var network in Parse(config[WebConfig.TrustedProxies])) options.KnownIPNetworks.Add(network);
        });
        return services;
    }

    internal static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var configured = Parse(app.Configuration[WebConfig.TrustedProxies]);
        if (configured.Count > 0) app.UseForwardedHeaders();
        return app;
    }

    /// <summary>Addresses and networks from a comma-separated setting; a typo stops the start with a clear message
    /// rather than silently trusting nobody (or the wrong network).</summary>
    public static IReadOnlyList<IPNetwork> Parse(string? setting)
    {
        var networks = new List<IPNetwork>();
        foreach (var part in (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPAddress.TryParse(part, out var address))
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else if (IPNetwork.TryParse(part, out var network)) networks.Add(network);
            else
                throw new InvalidOperationException(
                    $"{WebConfig.TrustedProxies}: '{part}' is neither an IP address nor a network such as 10.1.0.0/16.");
        }
        return networks;
    }
}
