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

    /// <summary>
    /// <paramref name="count"/> times <paramref name="cents"/>, or <c>invalid_amount</c> when the product cannot be
    /// represented: a total is refused before anything is written, never wrapped.
    /// </summary>
    public static long Times(long count, long cents)
    {
        try
        {
            return checked(count * cents);
        }
        catch (OverflowException)
        {
            throw new RuleViolation(ErrorCodes.InvalidAmount, "Dit totaalbedrag is te groot om te verwerken; er is niets gedaan.");
        }
    }
}
