using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain;
using JasperFx;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Errors;

/// <summary>
/// Turns any exception that escapes an endpoint into a problem. Expected answers (<see cref="ApiProblemException"/>,
/// unreadable bodies) keep their status; a database that is away is a 503 with Retry-After (QUALITY.md: requests fail
/// cleanly while PostgreSQL restarts); anything else is a 500 whose detail never shows the exception's message,
/// which the request log records instead.
/// </summary>
internal sealed class ExceptionToProblem : IExceptionHandler
{
    public static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to read an answer.
            http.Response.StatusCode = 499;
            return true;
        }

        var (problem, retryAfter) = ToProblem(exception);
        if (problem.Status >= 500) RecordException(http, exception);
        await ProblemWriter.WriteAsync(http, problem, retryAfter);
        return true;
    }

    internal static (ProblemDetails Problem, TimeSpan? RetryAfter) ToProblem(Exception exception) => exception switch
    {
        ApiProblemException e => (Problems.Create(e.Status, e.Code, e.Detail, e.Extensions), e.RetryAfter),
        // The domain's answers (rules, missing streams, unresolved version clashes): mapped in one place.
        RuleViolation e => (DomainProblems.From(e), null),
        AggregateNotFoundException e => (DomainProblems.From(e), null),
        ConcurrencyException e => (DomainProblems.From(e), null),
        BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } =>
            (Problems.Create(400, ProblemCodes.ValidationFailed, ProblemCodes.DetailFor(400),
                new Dictionary<string, object?>
                {
                    // The binder's own message names .NET parameter types; ours says what a client can fix.
                    ["errors"] = new Dictionary<string, string[]>
                    {
                        ["request"] = ["De aanvraag kon niet worden gelezen: controleer de JSON en de waarden in het adres."],
                    },
                }), null),
        BadHttpRequestException e =>
            (Problems.Create(e.StatusCode, ProblemCodes.ForStatus(e.StatusCode), ProblemCodes.DetailFor(e.StatusCode), null), null),
        _ when DatabaseServices.IsTransient(exception) =>
            (Problems.Create(503, ProblemCodes.Unavailable, ProblemCodes.DetailFor(503), null), DatabaseRetryAfter),
        _ => (Problems.Create(500, ProblemCodes.InternalError, ProblemCodes.DetailFor(500), null), null),
    };

    /// <summary>Lets the request's log line (Serilog.AspNetCore) show an exception that was turned into a 5xx response further in.</summary>
    public static void RecordException(HttpContext http, Exception exception) =>
        http.RequestServices.GetService<Serilog.IDiagnosticContext>()?.SetException(exception);
}
