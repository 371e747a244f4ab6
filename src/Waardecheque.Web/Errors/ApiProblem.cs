using Waardecheque.Domain;

using Waardecheque.Web.Hosting.OpenApi.Markers;

namespace Waardecheque.Web.Errors;

/// <summary>
/// The shape of every problem+json answer (API.md "Errors"), as the OpenAPI document describes it: what
/// <see cref="ProblemWriter"/> writes from a <see cref="Microsoft.AspNetCore.Mvc.ProblemDetails"/>. Never built in code:
/// it is the contract of those answers, and a test holds the two together.
/// </summary>
/// <param name="Code">The stable code a client keys on: every code of the domain's <see cref="ErrorCodes"/> and of the
/// host's <see cref="ProblemCodes"/>.</param>
/// <param name="Errors">Field errors of <c>validation_failed</c>: field name to messages.</param>
/// <param name="Rows">The bad rows of <c>invalid_rows</c> (a households CSV).</param>
/// <param name="Checks">The readiness checks and what each said (<c>not_ready</c>).</param>
public sealed record ApiProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    [property: ApiEnum("ProblemCode", typeof(ErrorCodes), typeof(ProblemCodes))] string Code,
    string RequestId,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    IReadOnlyList<ProblemRow>? Rows = null,
    long? StillNeededCents = null,
    int? HouseholdsMissing = null,
    long? MaxAmountCents = null,
    long? AvailableCents = null,
    long? MinPledgeCents = null,
    long? RemainingCents = null,
    int? PendingExpenses = null,
    IReadOnlyDictionary<string, string>? Checks = null);

/// <summary>One bad row of a households CSV: its line (the header is line 1), the field and what is wrong.</summary>
public sealed record ProblemRow(int Line, string Field, string Message);
