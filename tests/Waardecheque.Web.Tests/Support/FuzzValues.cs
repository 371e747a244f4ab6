using System.Globalization;
using System.Text;
using System.Text.Json;
using Waardecheque.Web.Tests.Api;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// Hostile input for <c>FuzzTests</c>, as raw JSON text or raw query text, so that what a serializer would never
/// write (duplicate keys, lone surrogates, 1e400, raw control characters, nesting deeper than any limit) can be sent.
/// Everything comes from one seeded <see cref="Random"/>, so a failing run can be replayed from its seed.
/// </summary>
public sealed class FuzzValues(Random random)
{
    public Random Random { get; } = random;

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>Numbers a cents field must survive: negative, zero, fractions, beyond long, beyond double.</summary>
    private static readonly string[] NastyNumbers =
    [
        "0", "-1", "-0", "1.5", "0.1", "99.999", "1e2", "1E400", "-1e400", "1e-400", "100001", "100000", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "79228162514264337593543950336", "123456789012345678901234567890.5", "0.0000000000000000000000000001",
    ];

    /// <summary>JSON string literals (already quoted and escaped) with what PostgreSQL, UTF-8 or a renderer choke on.</summary>
    private static readonly string[] NastyStrings =
    [
        "\"\"", "\"   \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u0007\\u001b[31m\"", "\"\\t\\r\\n\"", "\"\\u007f\\u0085\\u009f\"",
        "\"\\ud800\"", "\"x\\udc00y\"", "\"\\udc00\\ud800\"", "\"\\ud83c\\udf33 boom\"", "\"\\ufeff\\u202e\\u200b\"",
        "\"<script>alert(1)</script>\"", "\"'; drop table mt_events; --\"", "\"%00%ff\"", "\"\\\\x00\"",
        "\"150\"", "\"-1\"", "\"1e400\"", "\"true\"", "\"null\"", "\"00000000-0000-0000-0000-000000000000\"",
        "\"K7QM-3XRP-9T2C-W\"", "\"2026-13-45T99:99:99Z\"", "\"9999-12-31T23:59:59+14:00\"", "\"0001-01-01T00:00:00Z\"",
    ];

    /// <summary>Not JSON at all, or JSON the reader refuses: raw control characters inside a string, a lone quote.</summary>
    private static readonly string[] BrokenValues = ["\"a\u0000b\"", "\"tab\there\"", "'single'", "\"open", "NaN", "Infinity", "-", "01", "+1", "0x10", "1.", ".5"];

    private static readonly string[] WrongTypes = ["true", "false", "null", "[]", "{}", "[1,2,3]", "{\"a\":1}", "\"text\""];

    /// <summary>A random string of any Unicode: controls, surrogates alone and in pairs, noncharacters, combining marks.</summary>
    public string RandomUnicodeLiteral(int maxLength = 40)
    {
        var sb = new StringBuilder("\"");
        var length = Random.Next(0, maxLength);
        for (var i = 0; i < length; i++)
        {
            var c = Random.Next(8) switch
            {
                0 => (char)Random.Next(0, 0x20),
                1 => (char)Random.Next(0x7F, 0xA0),
                2 => (char)Random.Next(0xD800, 0xE000),     // a surrogate, most likely alone
                3 => (char)Random.Next(0xFFF0, 0x10000),
                4 => (char)Random.Next(0x300, 0x370),
                _ => (char)Random.Next(0x20, 0x7F),
            };
            // Escaped, so the JSON text itself stays valid and the reader has to decide about the character.
            sb.Append(c is '"' or '\\' || c < 0x20 || c >= 0x7F ? $"\\u{(int)c:x4}" : c.ToString());
        }
        return sb.Append('"').ToString();
    }

    public string HugeString() => "\"" + new string('x', Pick([300, 5_000, 200_000])) + "\"";

    public static string DeepNesting(int depth, bool arrays) => arrays
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>Something hostile for one field.</summary>
    public string NastyValue() => Random.Next(9) switch
    {
        0 => Pick(NastyNumbers),
        1 => Pick(NastyStrings),
        2 => RandomUnicodeLiteral(),
        3 => Pick(WrongTypes),
        4 => HugeString(),
        5 => DeepNesting(Pick([10, 70, 1_000]), Chance(0.5)),
        6 => Pick(BrokenValues),
        7 => Random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        _ => (Random.NextDouble() * 1e6 - 5e5).ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Hostile text for a text field: control characters, broken surrogates, markup, or simply far too long.</summary>
    public string NastyText() => Random.Next(5) switch
    {
        0 => Pick(NastyStrings),
        1 => HugeString(),
        2 => "\"Tekst \\u0000 erin\"",   // a NUL: PostgreSQL refuses it in text, so only validation stands between it and a 500
        _ => "\"Tekst " + Pick(["\\u0000", "\\u0007", "\\t", "\\ud800", "\\udfff", "\\u009b", "\\u007f", "\\n"]) + " erin\"",
    };

    /// <summary>A whole body that is no object of the expected shape.</summary>
    public string NastyBody() => Random.Next(8) switch
    {
        0 => "",
        1 => "null",
        2 => Pick(WrongTypes),
        3 => DeepNesting(Pick([70, 5_000]), Chance(0.5)),
        4 => "{\"a\":",
        5 => RandomUnicodeLiteral(),
        6 => "{" + string.Join(",", Enumerable.Range(0, 2_000).Select(i => $"\"k{i}\":{i}")) + "}",
        _ => Pick(NastyNumbers),
    };

    /// <summary>A query value as sent on the wire: percent-encoded bytes, including NUL, invalid UTF-8 and broken escapes.</summary>
    public string NastyQueryValue() => Random.Next(6) switch
    {
        0 => Pick(["%00", "a%00b", "%01%1F%7F", "%C2%85", "%09", "%0D%0A"]),
        1 => Pick(["%FF", "%C0%80", "%ED%A0%80", "%E2%82", "%ZZ", "%", "%%%"]),
        2 => Uri.EscapeDataString(new string('s', Pick([100, 3_000]))),
        3 => Pick(["open,funded", "OPEN", ",,,", "onbekend", "BU06370301", "Rozentuin", "true", "-1", "1e400"]),
        4 => string.Concat(Enumerable.Range(0, Random.Next(1, 12)).Select(_ => $"%{Random.Next(256):X2}")),
        _ => Uri.EscapeDataString("<script>\"'"),
    };

    /// <summary>A JSON object from (name, raw value) pairs, as written: duplicates and all.</summary>
    public static string Object(IEnumerable<(string Name, string Value)> properties) =>
        "{" + string.Join(",", properties.Select(p => JsonSerializer.Serialize(p.Name) + ":" + p.Value)) + "}";
}
