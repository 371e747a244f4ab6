using System.Globalization;
using Waardecheque.Web.Texts;

namespace Waardecheque.Web.Pages;

/// <summary>Money and dates as a resident reads them, in the page's language (Dutch local time either way).</summary>
public static class Format
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    internal static readonly TimeZoneInfo Netherlands = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    public static string Euros(long cents, string lang)
    {
        if (lang != PageLanguage.En) return DutchText.Euros(cents);
        var sign = cents < 0 ? "-" : "";
        var abs = Math.Abs(cents);
        return $"{sign}€{(abs / 100).ToString("#,0", English)}.{abs % 100:00}";
    }

    /// <summary>A count with thousands grouped: <c>4.000</c> in Dutch, <c>4,000</c> in English.</summary>
    public static string Count(long n, string lang) => n.ToString("#,0", lang == PageLanguage.En ? English : DutchText.Culture);

    public static string Date(DateTimeOffset moment, string lang) => lang == PageLanguage.En
        ? TimeZoneInfo.ConvertTime(moment, Netherlands).ToString("d MMMM yyyy", English)
        : DutchText.Date(moment);

    /// <summary>An amount as typed: <c>5</c>, <c>2,50</c>, <c>2.50</c>, <c>€ 1.000</c>. Null when it is not an amount of euros and cents.</summary>
    public static long? ParseEuros(string? input)
    {
        var s = new string((input ?? "").Where(c => !char.IsWhiteSpace(c) && c != '€').ToArray());
        if (s.Length is 0 or > 15) return null;
        var lastComma = s.LastIndexOf(',');
        var lastDot = s.LastIndexOf('.');
        var decimalAt = -1;
        if (lastComma >= 0 && lastComma > lastDot) decimalAt = lastComma;
        else if (lastDot >= 0 && lastDot > lastComma && (lastComma >= 0 || s.Length - lastDot - 1 is 1 or 2)) decimalAt = lastDot;
        var whole = decimalAt >= 0 ? s[..decimalAt] : s;
        var fraction = decimalAt >= 0 ? s[(decimalAt + 1)..] : "";
        whole = whole.Replace(".", "").Replace(",", "");
        if (whole.Length == 0) whole = "0";
        if (!whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit) || fraction.Length > 2) return null;
        if (!long.TryParse(whole, out var euros) || euros > 100_000_000) return null;
        var cents = fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(2, '0'), CultureInfo.InvariantCulture);
        return euros * 100 + cents;
    }

    /// <summary>
    /// A date from <c>&lt;input type=date&gt;</c> as the end of that day in Dutch time, in UTC (the read models store
    /// timestamptz, which Npgsql accepts only with offset 0).
    /// </summary>
    public static DateTimeOffset? EndOfDay(string? isoDate)
    {
        if (!DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return null;
        var local = day.ToDateTime(new TimeOnly(23, 59, 59));
        return new DateTimeOffset(local, Netherlands.GetUtcOffset(local)).ToUniversalTime();
    }
}
