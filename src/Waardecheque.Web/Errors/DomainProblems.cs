using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain;
using JasperFx;

namespace Waardecheque.Web.Errors;

/// <summary>
/// The one place where the domain's exceptions become HTTP answers (docs/api-decisions.md, "Errors"):
/// <list type="bullet">
/// <item>a <see cref="RuleViolation"/> is 422 with its code; <c>validation_failed</c> carries <c>errors</c>,
/// <c>invalid_rows</c> carries <c>rows</c>, and every other detail (stillNeededCents, householdsMissing, ...) becomes
/// an extension member;</item>
/// <item>except <c>not_found</c> (404) and <c>not_initiator</c> (403): those say who or what, not which rule;</item>
/// <item>a stream that does not exist is 404 <c>not_found</c>;</item>
/// <item>a version clash the command bus could not resolve by retrying is 409 <c>conflict</c>.</item>
/// </list>
/// </summary>
public static class DomainProblems
{
    public static int StatusFor(string code) => code switch
    {
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.NotInitiator => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static ProblemDetails From(RuleViolation violation)
    {
        var extensions = new Dictionary<string, object?>();
        foreach (var (key, value) in violation.Details)
        {
            extensions[key] = key switch
            {
                "errors" => violation.FieldErrors,
                "rows" => violation.Rows.Select(r => new { line = r.Line, field = r.Field, message = r.Message }).ToList(),
                _ => value,
            };
        }
        return Problems.Create(StatusFor(violation.Code), violation.Code, violation.Message, extensions);
    }

    public static ProblemDetails From(AggregateNotFoundException e) =>
        Problems.Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, NotFoundDetail(e.AggregateType.Name), null);

    public static ProblemDetails From(ConcurrencyException _) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemCodes.Conflict,
            "Veel mensen deden tegelijk hetzelfde; uw verzoek is niet uitgevoerd. Probeer het opnieuw.", null);

    public static string NotFoundDetail(string aggregate) => aggregate switch
    {
        "Program" => "Deze regeling bestaat niet.",
        "Cheque" => "Deze cheque bestaat niet.",
        "Idea" => "Dit idee bestaat niet.",
        "HouseholdRegister" => "Deze regeling bestaat niet.",
        _ => ProblemCodes.DetailFor(404),
    };
}
