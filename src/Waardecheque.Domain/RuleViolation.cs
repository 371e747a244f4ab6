
namespace Waardecheque.Domain;

/// <summary>
/// A rule of the rule book said no. <see cref="Code"/> is the stable error code of DOMAIN.md/API.md (see
/// <see cref="ErrorCodes"/>); <see cref="Message"/> is Dutch plain language a resident can read;
/// <see cref="Details"/> carries what the caller needs to help (stillNeededCents, householdsMissing, errors, rows).
/// Thrown, not returned, so that a handler stays a straight line of rules, like Wolverine's validation.
/// </summary>
public sealed class RuleViolation(string code, string message, IReadOnlyDictionary<string, object>? details = null)
    : Exception(message), IPermanentError
{
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, object> Details { get; } = details ?? new Dictionary<string, object>();

    /// <summary>Field errors of <c>validation_failed</c>, keyed by the API's camelCase field name.</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors =>
        Details.TryGetValue("errors", out var e) && e is IReadOnlyDictionary<string, string[]> errors
            ? errors : new Dictionary<string, string[]>();

    /// <summary>Every bad CSV row of <c>invalid_rows</c>.</summary>
    public IReadOnlyList<RowError> Rows =>
        Details.TryGetValue("rows", out var r) && r is IReadOnlyList<RowError> rows ? rows : [];

    public static RuleViolation Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(ErrorCodes.ValidationFailed, "Niet alle velden zijn goed ingevuld.",
            new Dictionary<string, object> { ["errors"] = errors });

    public static RuleViolation InvalidRows(IReadOnlyList<RowError> rows) =>
        new(ErrorCodes.InvalidRows, $"Het bestand heeft {rows.Count} fout(en); er is niets ingelezen.",
            new Dictionary<string, object> { ["rows"] = rows });
}

/// <summary>One problem in an imported CSV file; the header is line 1.</summary>
public sealed record RowError(int Line, string Field, string Message);
