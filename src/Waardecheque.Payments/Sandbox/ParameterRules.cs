namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The parameters one endpoint knows, in key shapes (<c>line_items[#][quantity]</c>, <c>metadata[*]</c>). Like Stripe,
/// anything else is refused by name, before any work is done and before the idempotency key is taken.
/// </summary>
internal sealed record ParameterRules(
    string[] Allowed,
    string[] Hashes,
    string[] Required,
    string[] Integers,
    Dictionary<string, string[]>? Enums = null)
{
    public ApiAnswer? Check(StripeForm form)
    {
        foreach (var key in form.Values.Keys)
            if (!Allowed.Contains(StripeForm.Shape(key, Hashes))) return StripeErrors.UnknownParameter(key);

        foreach (var required in Required)
        {
            foreach (var key in Expand(required, form))
            {
                var value = form[key];
                if (value is null) return StripeErrors.MissingParameter(key);
                if (value.Length == 0)
                    return StripeErrors.Invalid(
                        $"You passed an empty string for '{key}'. We assume empty values are an attempt to unset a parameter; however '{key}' cannot be unset.",
                        "parameter_invalid_empty", key);
            }
        }

        foreach (var (key, value) in form.Values)
        {
            var shape = StripeForm.Shape(key, Hashes);
            if (Integers.Contains(shape) && !long.TryParse(value, out _))
                return StripeErrors.Invalid($"Invalid integer: {value}", "parameter_invalid_integer", key);
            if (Enums?.GetValueOrDefault(shape) is { } allowed && !allowed.Contains(value))
                return StripeErrors.Invalid($"Invalid {key}: must be one of {string.Join(", ", allowed)}", null, key);
        }
        return null;
    }

    /// <summary><c>line_items[#][quantity]</c> -> one key per line item sent; a list with none sent needs <c>[0]</c>.</summary>
    private static IEnumerable<string> Expand(string required, StripeForm form)
    {
        var at = required.IndexOf("[#]", StringComparison.Ordinal);
        if (at < 0) return [required];
        var indices = form.Indices(required[..at]).DefaultIfEmpty(0);
        return indices.Select(i => required[..at] + $"[{i}]" + required[(at + 3)..]);
    }
}
