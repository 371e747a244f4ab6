namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>The address a cheque's QR code points at: <c>{PublicBaseUrl}/c/{code}</c> (API.md).</summary>
public static class ChequeUrls
{
    public static string For(string publicBaseUrl, string code) =>
        $"{BaseUri(publicBaseUrl).AbsoluteUri.TrimEnd('/')}/c/{Uri.EscapeDataString(code)}";

    /// <summary>What a resident types when they cannot scan: the host and path, without "https://".</summary>
    public static string ForTyping(string publicBaseUrl)
    {
        var uri = BaseUri(publicBaseUrl);
        return (uri.IsDefaultPort ? uri.Host : uri.Authority) + uri.AbsolutePath.TrimEnd('/');
    }

    private static Uri BaseUri(string publicBaseUrl) =>
        Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new ArgumentException($"PublicBaseUrl '{publicBaseUrl}' is not an absolute http(s) address.", nameof(publicBaseUrl));
}
