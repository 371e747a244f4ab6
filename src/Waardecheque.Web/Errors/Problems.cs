using Microsoft.AspNetCore.Mvc;

namespace Waardecheque.Web.Errors;

/// <summary>
/// Problem+json results to return from an endpoint (API.md "Errors"). Throwing <see cref="ApiProblemException"/>
/// gives the same response; return one of these where the handler already returns an <see cref="IResult"/>.
/// </summary>
public static class Problems
{
    /// <summary>A rule's answer: <c>Problems.Rule("idea_not_open", "Dit idee neemt geen toezeggingen aan.")</c>.</summary>
    public static IResult Rule(string code, string detail, int status = StatusCodes.Status422UnprocessableEntity,
        IDictionary<string, object?>? extensions = null, TimeSpan? retryAfter = null) =>
        new ProblemResult(Create(status, code, detail, extensions), retryAfter);

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        From(ApiProblemException.Validation(errors, detail));

    public static IResult NotFound(string? detail = null) =>
        Rule(ProblemCodes.NotFound, detail ?? ProblemCodes.DetailFor(404), StatusCodes.Status404NotFound);

    public static IResult Unauthorized(string? detail = null) =>
        Rule(ProblemCodes.Unauthorized, detail ?? ProblemCodes.DetailFor(401), StatusCodes.Status401Unauthorized);

    public static IResult Forbidden(string? detail = null) =>
        Rule(ProblemCodes.Forbidden, detail ?? ProblemCodes.DetailFor(403), StatusCodes.Status403Forbidden);

    public static IResult Conflict(string detail, string code = ProblemCodes.Conflict) =>
        Rule(code, detail, StatusCodes.Status409Conflict);

    public static IResult RateLimited(TimeSpan retryAfter, string? detail = null) =>
        From(ApiProblemException.RateLimited(retryAfter, detail));

    public static IResult From(ApiProblemException e) =>
        new ProblemResult(Create(e.Status, e.Code, e.Detail, e.Extensions), e.RetryAfter);

    internal static ProblemDetails Create(int status, string code, string detail, IEnumerable<KeyValuePair<string, object?>>? extensions)
    {
        var problem = new ProblemDetails { Status = status, Title = ProblemCodes.TitleFor(status), Detail = detail };
        foreach (var (key, value) in extensions ?? []) problem.Extensions[key] = value;
        problem.Extensions["code"] = code;
        return problem;
    }

    private sealed class ProblemResult(ProblemDetails problem, TimeSpan? retryAfter)
        : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => problem.Status;
        public string ContentType => ProblemWriter.ContentType;

        public Task ExecuteAsync(HttpContext httpContext) => ProblemWriter.WriteAsync(httpContext, problem, retryAfter);
    }
}
