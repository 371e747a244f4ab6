using System.Globalization;

namespace Waardecheque.Web.Texts;

/// <summary>Money, dates and addresses written the way Dutch letters write them.</summary>
public static class DutchText
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");
    internal static CultureInfo Culture => Dutch;

    // Deadlines are Dutch local time whatever the server's zone is.
    private static readonly TimeZoneInfo Netherlands = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    /// <summary><c>750</c> -> <c>€ 7,50</c>; <c>150000</c> -> <c>€ 1.500,00</c> (plain spaces, so text search finds it).</summary>
    public static string Euros(long cents)
    {
        var sign = cents < 0 ? "-" : "";
        var abs = Math.Abs(cents);
        return $"{sign}€ {(abs / 100).ToString("#,0", Dutch)},{abs % 100:00}";
    }

    /// <summary><c>31 december 2026</c>, in Dutch local time.</summary>
    public static string Date(DateTimeOffset moment) => Local(moment).ToString("d MMMM yyyy", Dutch);

    /// <summary>
    /// The last moment to take part, as a resident reads it. A program that closes at midnight closes at the end of
    /// the day before, so it reads "tot en met" that day rather than "tot" a day on which nothing can be done.
    /// </summary>
    public static string Deadline(DateTimeOffset closesAt)
    {
        var local = Local(closesAt);
        if (local.TimeOfDay == TimeSpan.Zero) return $"tot en met {Date(local.AddDays(-1))}";
        if (local.TimeOfDay >= new TimeSpan(23, 59, 0)) return $"tot en met {Date(local)}";
        return $"tot {Date(local)}, {local.ToString("HH:mm", Dutch)} uur";
    }

    /// <summary>PostNL style: <c>2716 AB  ZOETERMEER</c> (space in the postcode, two before the city, city in capitals).</summary>
    public static string PostcodeLine(string postcode, string city) => $"{Postcode(postcode)}  {city.Trim().ToUpper(Dutch)}";

    public static string Postcode(string postcode)
    {
        var compact = new string(postcode.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return compact.Length == 6 ? $"{compact[..4]} {compact[4..]}" : postcode.Trim();
    }

    private static DateTimeOffset Local(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Netherlands);
}
