namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// The sender and city printed on letters. The program only knows its CBS municipality code, so the names of the
/// municipalities we know are here; configuration overrides them (<c>Waardecheque:Letters:MunicipalityName</c>,
/// <c>:City</c>, <c>:WalkInPoint</c>) for any other municipality.
/// </summary>
public static class Municipalities
{
    public const string NameKey = "Waardecheque:Letters:MunicipalityName";
    public const string CityKey = "Waardecheque:Letters:City";
    public const string WalkInPointKey = "Waardecheque:Letters:WalkInPoint";

    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GM0637"] = "Zoetermeer",
        ["GM0518"] = "'s-Gravenhage",
        ["GM0599"] = "Rotterdam",
        ["GM0363"] = "Amsterdam",
        ["GM0344"] = "Utrecht",
        ["GM0546"] = "Leiden",
        ["GM0503"] = "Delft",
    };

    public static string City(string municipalityCode, IConfiguration config) =>
        config[CityKey] is { Length: > 0 } city ? city : Known.GetValueOrDefault(municipalityCode, municipalityCode);

    public static string SenderName(string municipalityCode, IConfiguration config) =>
        config[NameKey] is { Length: > 0 } name ? name : $"Gemeente {City(municipalityCode, config)}";
}
