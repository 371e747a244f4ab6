using System.Text.RegularExpressions;

namespace Waardecheque.Domain.Households;

/// <summary>
/// The Dutch address rules of DOMAIN.md, as pure functions that return the normalised value or a Dutch error.
/// Shared by the CSV import and any form that takes an address.
/// </summary>
public static partial class AddressRules
{
    public const int MaxStreetLength = 80;   // the BAG's longest public-space name

    /// <summary>"1234 AB" from "1234AB", "1234 ab" or "1234  AB"; four digits without a leading zero, two letters, never SA/SD/SS.</summary>
    public static Result Postcode(string? input)
    {
        var m = PostcodePattern().Match(input?.Trim() ?? "");
        if (!m.Success) return Result.Error("Een postcode is 4 cijfers (niet beginnend met 0) en 2 letters, bijvoorbeeld 2725 AB.");
        var letters = m.Groups[2].Value.ToUpperInvariant();
        // SA, SD and SS are never issued by PostNL (historical connotations).
        if (letters is "SA" or "SD" or "SS") return Result.Error($"Postcodes met de letters {letters} bestaan niet.");
        return Result.Ok($"{m.Groups[1].Value} {letters}");
    }

    public static Result Huisnummer(string? input)
    {
        var s = input?.Trim() ?? "";
        if (!HuisnummerPattern().IsMatch(s) || int.Parse(s) is < 1 or > 99_999)
            return Result.Error("Een huisnummer is een heel getal van 1 tot en met 99999.");
        return Result.Ok(int.Parse(s).ToString());
    }

    public static Result Huisletter(string? input)
    {
        var s = input?.Trim() ?? "";
        if (s.Length == 0) return Result.Ok(null);
        return s.Length == 1 && char.IsAsciiLetter(s[0])
            ? Result.Ok(s.ToUpperInvariant())
            : Result.Error("Een huisletter is één letter.");
    }

    public static Result Toevoeging(string? input)
    {
        var s = input?.Trim() ?? "";
        if (s.Length == 0) return Result.Ok(null);
        return ToevoegingPattern().IsMatch(s)
            ? Result.Ok(s.ToUpperInvariant())
            : Result.Error("Een toevoeging is hoogstens 4 letters of cijfers.");
    }

    public static Result Street(string? input)
    {
        // Checked before collapsing: Collapse would turn a tab into a space and hide it.
        if (!Text.IsReadable(input?.Trim())) return Result.Error("De straatnaam bevat onleesbare tekens.");
        var s = Collapse(input);
        if (s.Length == 0) return Result.Error("De straatnaam ontbreekt.");
        if (s.Length > MaxStreetLength) return Result.Error($"Een straatnaam is hoogstens {MaxStreetLength} tekens.");
        return Result.Ok(s);
    }

    public static Result BuurtCode(string? input, Func<string, bool> inProgram)
    {
        var s = input?.Trim().ToUpperInvariant() ?? "";
        if (!BuurtCodePattern().IsMatch(s)) return Result.Error("Een buurtcode is BU gevolgd door 8 cijfers.");
        return inProgram(s) ? Result.Ok(s) : Result.Error($"Buurt {s} hoort niet bij deze regeling.");
    }

    /// <summary>Streets are compared after collapsing spaces and ignoring case: "Dorpsstraat" is "dorpsstraat ".</summary>
    public static bool SameStreet(string? a, string? b) =>
        string.Equals(Collapse(a), Collapse(b), StringComparison.OrdinalIgnoreCase);

    public static string Collapse(string? s) => Whitespace().Replace(s?.Trim() ?? "", " ");

    public sealed record Result(string? Value, string? ErrorMessage)
    {
        public bool IsOk => ErrorMessage is null;
        public static Result Ok(string? value) => new(value, null);
        public static Result Error(string message) => new(null, message);
    }

    [GeneratedRegex(@"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")] private static partial Regex PostcodePattern();
    [GeneratedRegex("^[0-9]{1,5}$")] private static partial Regex HuisnummerPattern();
    [GeneratedRegex("^[A-Za-z0-9]{1,4}$")] private static partial Regex ToevoegingPattern();
    [GeneratedRegex("^BU[0-9]{8}$")] private static partial Regex BuurtCodePattern();
    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();
}
