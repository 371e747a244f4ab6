using System.Text;
using System.Text.RegularExpressions;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// Stripe's form encoding: nested objects and lists in bracket keys (<c>line_items[0][price_data][unit_amount]=1250</c>,
/// <c>expand[]=x</c>). Keys are kept flat and normalised (<c>[]</c> numbered), which is all the sandbox needs: it looks
/// values up by their full key and checks every key against the endpoint's known shapes.
/// </summary>
internal sealed partial class StripeForm
{
    private readonly Dictionary<string, string> _values;

    private StripeForm(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public static StripeForm Parse(string encoded)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            values[NumberEmptyBrackets(key, counters)] = value; // like Stripe: the last of a repeated key wins
        }
        return new StripeForm(values);
    }

    public string? this[string key] => _values.GetValueOrDefault(key);

    /// <summary>Indices present under a list, e.g. <c>line_items</c> -> 0, 1.</summary>
    public IEnumerable<int> Indices(string list) => _values.Keys
        .Select(k => ListIndex().Match(k))
        .Where(m => m.Success && m.Groups["list"].Value == list)
        .Select(m => int.Parse(m.Groups["index"].Value))
        .Distinct().Order();

    /// <summary>All <c>prefix[name]</c> entries of a hash such as <c>metadata</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Hash(string prefix) => _values
        .Where(kv => kv.Key.StartsWith(prefix + "[", StringComparison.Ordinal) && kv.Key.EndsWith(']'))
        .Select(kv => KeyValuePair.Create(kv.Key[(prefix.Length + 1)..^1], kv.Value));

    /// <summary>The key with list indices as <c>#</c> and hash keys under <paramref name="hashes"/> as <c>*</c>.</summary>
    public static string Shape(string key, IReadOnlyCollection<string> hashes)
    {
        foreach (var hash in hashes)
            if (key.StartsWith(hash + "[", StringComparison.Ordinal)) return hash + "[*]";
        return Index().Replace(key, "[#]");
    }

    private static string NumberEmptyBrackets(string key, Dictionary<string, int> counters)
    {
        var at = key.IndexOf("[]", StringComparison.Ordinal);
        if (at < 0) return key;
        var prefix = key[..at];
        var n = counters.GetValueOrDefault(prefix);
        counters[prefix] = n + 1;
        return $"{prefix}[{n}]{key[(at + 2)..]}";
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();

    [GeneratedRegex(@"^(?<list>[a-z_]+)\[(?<index>\d+)\]")]
    private static partial Regex ListIndex();
}
