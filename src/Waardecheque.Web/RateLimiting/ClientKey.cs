using System.Net;
using System.Net.Sockets;

namespace Waardecheque.Web.RateLimiting;

/// <summary>Which "client address" a failure is counted against.</summary>
public static class ClientKey
{
    /// <summary>
    /// IPv4 by address; IPv6 by its /64 network, because one home or phone gets a whole /64 and could otherwise
    /// take a fresh address for every guess. Behind a proxy this is the proxy's address unless forwarded headers
    /// are configured.
    /// </summary>
    public static string For(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
