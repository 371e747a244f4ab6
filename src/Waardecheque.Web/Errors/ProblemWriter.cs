using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Waardecheque.Web.Errors;

/// <summary>
/// Writes every problem response of the app, whatever produced it (a helper, a thrown exception, an empty 404 from
/// routing, a 401 from authentication), so they all have the same shape: status, title, detail, code, requestId.
/// It ignores the Accept header on purpose: an API client that asks for HTML still gets a problem it can read.
/// </summary>
internal static class ProblemWriter
{
    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpContext http, ProblemDetails problem, TimeSpan? retryAfter = null)
    {
        Complete(problem, http);
        http.Response.StatusCode = problem.Status!.Value;
        if (retryAfter is { } wait) http.Response.Headers.RetryAfter = RetryAfterSeconds(wait).ToString(CultureInfo.InvariantCulture);
        http.Response.ContentType = ContentType;
        var json = http.RequestServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
                   ?? JsonSerializerOptions.Web;
        await JsonSerializer.SerializeAsync(http.Response.Body, problem, problem.GetType(), json, http.RequestAborted);
    }

    /// <summary>
    /// Fills in what a problem lacks. A problem without our <c>code</c> came from the framework (in English or
    /// empty), so it gets the Dutch title and detail for its status as well.
    /// </summary>
    public static void Complete(ProblemDetails problem, HttpContext http)
    {
        var status = problem.Status ?? (http.Response.StatusCode >= 400 ? http.Response.StatusCode : 500);
        problem.Status = status;
        if (!problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = ProblemCodes.ForStatus(status);
            problem.Title = ProblemCodes.TitleFor(status);
            problem.Detail = ProblemCodes.DetailFor(status);
        }
        problem.Title ??= ProblemCodes.TitleFor(status);
        problem.Detail ??= ProblemCodes.DetailFor(status);
        problem.Type ??= "about:blank";
        problem.Extensions["requestId"] = http.TraceIdentifier;
    }

    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
