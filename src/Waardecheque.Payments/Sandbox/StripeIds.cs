using System.Security.Cryptography;

namespace Waardecheque.Payments.Sandbox;

/// <summary>Ids in Stripe's shape (prefix and random letters), so logs and tests read like the real thing.</summary>
internal static class StripeIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) => prefix + RandomNumberGenerator.GetString(Alphabet, length);

    public static string Session() => New("cs_test_", 40);
    public static string PaymentIntent() => New("pi_");
    public static string Refund() => New("re_");
    public static string Event() => New("evt_");
    public static string Request() => New("req_", 14);
}
