using System.Security.Cryptography;
using System.Text;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// Signs a webhook body as Stripe does: <c>t={unix},v1={hex(HMAC-SHA256(key = the whole whsec_ string, "{t}.{body}"))}</c>.
/// Written from Stripe's description, not with Stripe.net's helper, so the tests prove the two agree.
/// </summary>
public static class WebhookSigner
{
    public static string SignatureHeader(string body, string webhookSecret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhookSecret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .Replace('+', 'A').Replace('/', 'B').TrimEnd('=');
}
