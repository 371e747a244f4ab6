using Waardecheque.Domain;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Api;

/// <summary>Small conversions shared by the endpoint modules.</summary>
public static class ApiText
{
    /// <summary>States go out as camelCase words ("open", "funded"), like every other enum of the API.</summary>
    public static string State(string pascal) => pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal[1..];

    /// <summary>
    /// Cents arrive as JSON numbers; a fraction, or a number too big for cents, is the rule's <paramref name="code"/>
    /// (P1: "a whole number of cents") rather than an unreadable body.
    /// </summary>
    public static long Cents(decimal? value, string field, string code = ErrorCodes.ValidationFailed, bool required = true)
    {
        if (value is null)
        {
            if (!required) return 0;
            throw RuleViolation.Validation(new Dictionary<string, string[]> { [field] = ["Vul een bedrag in hele centen in."] });
        }
        if (decimal.Truncate(value.Value) == value.Value && value.Value is >= long.MinValue and <= long.MaxValue) return (long)value.Value;
        const string message = "Een bedrag is een heel aantal centen, bijvoorbeeld 250 voor € 2,50.";
        throw code == ErrorCodes.ValidationFailed
            ? RuleViolation.Validation(new Dictionary<string, string[]> { [field] = [message] })
            : new RuleViolation(code, message);
    }

    public static Guid StaffId(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsStaff() && user.SubjectId() is { } id ? id : throw ApiProblemException.Forbidden(ProblemCodes.DetailFor(403));

    public static void Require(bool ok, string field, string message)
    {
        if (!ok) throw RuleViolation.Validation(new Dictionary<string, string[]> { [field] = [message] });
    }
}
