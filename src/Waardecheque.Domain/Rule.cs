namespace Waardecheque.Domain;

/// <summary>One rule, one line: <c>Rule.Require(condition, code, message)</c>.</summary>
public static class Rule
{
    public static void Require(bool condition, string code, string message) =>
        Require(condition, code, message, null);

    public static void Require(bool condition, string code, string message, IReadOnlyDictionary<string, object>? details)
    {
        if (!condition) throw new RuleViolation(code, message, details);
    }

    public static IReadOnlyDictionary<string, object> Data(string key, object value) =>
        new Dictionary<string, object> { [key] = value };

    public static IReadOnlyDictionary<string, object> Data(string key1, object value1, string key2, object value2) =>
        new Dictionary<string, object> { [key1] = value1, [key2] = value2 };
}

/// <summary>
/// Collects field errors so a caller hears about every bad field at once, then throws one
/// <c>validation_failed</c>.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public FieldErrors Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
            list.Add(message);
        }
        return this;
    }

    /// <summary>The text rule (<see cref="Domain.Text"/>) for one field: readable, and
    /// <paramref name="min"/>..<paramref name="max"/> characters after trimming, else <paramref name="lengthMessage"/>.</summary>
    public FieldErrors Text(string? value, string field, int min, int max, string lengthMessage, TextKind kind = TextKind.Line)
    {
        var problem = Domain.Text.Problem(value, min, max, lengthMessage, kind);
        return Check(problem is null, field, problem ?? "");
    }

    public bool Any => _errors.Count > 0;

    public void ThrowIfAny()
    {
        if (Any) throw RuleViolation.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
