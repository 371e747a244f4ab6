using System.Buffers.Text;
using System.Security.Cryptography;

namespace Waardecheque.Web.Auth;

/// <summary>
/// Session tokens: 32 random bytes, handed out as 43 base64url characters. The database keeps only their SHA-256,
/// so a leaked table or backup lets nobody sign in. A plain hash (no salt, no stretching) is enough because the
/// token itself has 256 random bits; stretching is for passwords people choose.
/// </summary>
internal static class SessionTokenCodec
{
    private const int TokenBytes = 32;
    private const int TokenChars = 43;

    public static (string Token, byte[] Hash) NewToken()
    {
        Span<byte> raw = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(raw);
        return (Base64Url.EncodeToString(raw), SHA256.HashData(raw));
    }

    /// <summary>The stored hash for a presented token, or null when it cannot be one of ours (no lookup needed).</summary>
    public static byte[]? HashOf(string? token)
    {
        // IsValid first: TryDecodeFromChars throws, rather than returning false, on characters outside base64url.
        if (token is not { Length: TokenChars } || !Base64Url.IsValid(token, out var length) || length != TokenBytes) return null;
        Span<byte> raw = stackalloc byte[TokenBytes];
        return Base64Url.TryDecodeFromChars(token, raw, out var written) && written == TokenBytes ? SHA256.HashData(raw) : null;
    }
}
