using System.Globalization;

namespace Waardecheque.Payments.Sandbox;

/// <summary>Cents as a Dutch reader writes euros: <c>€ 1.234,50</c>. Independent of the server's culture data.</summary>
internal static class DutchMoney
{
    public static string Format(long cents)
    {
        var euros = Math.Abs(cents / 100).ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.');
        return $"{(cents < 0 ? "-" : "")}€ {euros},{Math.Abs(cents % 100):00}";
    }
}
