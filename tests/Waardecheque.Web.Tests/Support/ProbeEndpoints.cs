using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.RateLimiting;

namespace Waardecheque.Web.Tests.Support;

/// <summary>Endpoints that exist only in tests, to drive the host's error handling, policies and limits.</summary>
public sealed class ProbeEndpoints : IEndpointModule
{
    public const string LeakyMessage = "internal detail that must stay inside";

    public void Map(IEndpointRouteBuilder endpoints)
    {
        // Test-only routes: not part of the contract, so not in the OpenAPI document (docs/openapi-v1.json).
        var probe = endpoints.MapGroup("/probe").ExcludeFromDescription();
        probe.MapGet("/rule-exception", () =>
        {
            throw new ApiProblemException(422, "target_exceeded", "Dit idee heeft nog maar € 2,50 nodig.",
                new Dictionary<string, object?> { ["stillNeededCents"] = 250 });
        });
        probe.MapGet("/rule-result", () => Problems.Rule("idea_not_open", "Dit idee neemt geen toezeggingen aan."));
        probe.MapGet("/validation", () => Problems.Validation(new Dictionary<string, string[]> { ["amountCents"] = ["Moet positief zijn."] }));
        probe.MapGet("/crash", () => { throw new InvalidOperationException(LeakyMessage); });
        probe.MapPost("/json", (Payload payload) => TypedResults.Ok(payload));
        probe.MapPost("/body", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return TypedResults.Ok((await reader.ReadToEndAsync()).Length);
        });
        probe.MapPost("/big-body", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return TypedResults.Ok((await reader.ReadToEndAsync()).Length);
        }).WithBodyLimit(4 * 1024 * 1024);
        probe.MapPost("/code-attempt/{outcome}", async (string outcome, HttpContext http, ICodeAttemptLimiter limiter) =>
        {
            var found = await limiter.GuessAsync(http, _ => Task.FromResult<object?>(outcome == "ok" ? outcome : null));
            return found is null ? Problems.NotFound("Deze code hoort bij geen enkele waardecheque.") : Results.Ok();
        });

        probe.MapGet("/policy/admin", Who).RequireAuthorization(Policies.Admin);
        probe.MapGet("/policy/moderator", Who).RequireAuthorization(Policies.Moderator);
        probe.MapGet("/policy/auditor", Who).RequireAuthorization(Policies.Auditor);
        probe.MapGet("/policy/staff", Who).RequireAuthorization(Policies.Staff);
        probe.MapGet("/policy/resident", Who).RequireAuthorization(Policies.Resident);
    }

    private static string Who(HttpContext http) => http.User.Actor();

    public sealed record Payload(string Name, int Count);
}
