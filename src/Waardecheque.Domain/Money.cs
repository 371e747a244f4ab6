namespace Waardecheque.Domain;

/// <summary>Cents as Dutch residents read them: "€ 1.234,50". Written by hand so it never depends on ICU data.</summary>
public static class Money
{
    public static string Euro(long cents)
    {
        var sign = cents < 0 ? "-" : "";
        var abs = Math.Abs(cents);
        var euros = (abs / 100).ToString("#,0", System.Globalization.CultureInfo.InvariantCulture).Replace(',', '.');
        return $"{sign}€ {euros},{abs % 100:00}";
    }
}
