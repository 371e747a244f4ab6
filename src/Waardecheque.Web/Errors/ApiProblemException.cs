namespace Waardecheque.Web.Errors;

/// <summary>
/// Throw this anywhere in a request to answer with a problem+json response: the exception handler turns it into
/// <c>{status, title, detail, code, ...extensions}</c>. Domain exceptions (a RuleViolation) are mapped to it in one
/// place, so handlers stay free of HTTP. Nothing is logged as an error for it: it is an expected answer.
/// </summary>
public class ApiProblemException(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Detail { get; } = detail;
    public IReadOnlyDictionary<string, object?> Extensions { get; } =
        new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());

    /// <summary>Sent as a <c>Retry-After</c> header (whole seconds, rounded up) when set: for 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Field errors, e.g. <c>{"email": ["Vul een e-mailadres in."]}</c>: <c>validation_failed</c>, 400 unless
    /// <paramref name="status"/> says 422 (the request was read and a field breaks a rule, docs/api-decisions.md).</summary>
    public static ApiProblemException Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null,
        int status = StatusCodes.Status400BadRequest) =>
        new(status, ProblemCodes.ValidationFailed, detail ?? "De invoer is niet geldig.",
            new Dictionary<string, object?> { ["errors"] = errors });

    public static ApiProblemException NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.NotFound, detail);

    public static ApiProblemException Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, detail);

    public static ApiProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, detail);

    public static ApiProblemException Conflict(string detail, string code = ProblemCodes.Conflict) =>
        new(StatusCodes.Status409Conflict, code, detail);

    public static ApiProblemException RateLimited(TimeSpan retryAfter, string? detail = null) =>
        new(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, detail ?? ProblemCodes.DetailFor(429))
        {
            RetryAfter = retryAfter,
        };
}
