using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.RateLimiting;

namespace Waardecheque.Web.Features.Staff;

/// <summary>Staff sign-in, staff management and the caller's own session (API.md "Authentication").</summary>
internal static class StaffEndpoints
{
    private const string WrongCredentials = "Het e-mailadres of het wachtwoord klopt niet.";

    public static void MapStaffAuth(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Authentication");

        api.MapPost("/staff/sessions", SignInAsync)
            .WithName("StaffSignIn")
            .WithSummary("Staff sign-in: returns a bearer token.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapPost("/staff", AddStaffAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("AddStaff")
            .WithSummary("Adds a staff member (admin).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/staff", async (StaffAccounts staff, CancellationToken ct) => TypedResults.Ok(await staff.ListAsync(ct)))
            .RequireAuthorization(Policies.Admin)
            .WithName("ListStaff")
            .WithSummary("Lists the staff members (admin).")
            .ProducesAuthProblems();

        api.MapGet("/sessions/current", CurrentSession)
            .RequireAuthorization()
            .WithName("GetCurrentSession")
            .WithSummary("Who the bearer token belongs to.")
            .ProducesAuthProblems();

        api.MapDelete("/sessions/current", SignOutAsync)
            .RequireAuthorization()
            .WithName("SignOut")
            .WithSummary("Signs out: the bearer token stops working.")
            .ProducesAuthProblems();
    }

    private static async Task<Ok<StaffSessionResponse>> SignInAsync(
        StaffLoginRequest request, HttpContext http, StaffAccounts staff, ISessionTokens sessions,
        StaffSignInLimiter limiter, CancellationToken cancellationToken)
    {
        // An incomplete request is no guess at a password: it is refused before it can count.
        StaffRequestRules.Check(request).ThrowIfAny();
        var member = await limiter.SignInAsync(http, request.Email!, c => staff.VerifyAsync(request.Email!, request.Password!, c))
            ?? throw ApiProblemException.Unauthorized(WrongCredentials);
        var token = await sessions.IssueStaffTokenAsync(member.Id, member.Role, cancellationToken);
        return TypedResults.Ok(new StaffSessionResponse(token.Token, member.Role, token.ExpiresAt));
    }

    private static async Task<Created<AddStaffResponse>> AddStaffAsync(
        AddStaffRequest request, StaffAccounts staff, CancellationToken cancellationToken)
    {
        // Read, but a field breaks a rule (a weak password, a bad email): 422, as elsewhere in the API.
        StaffRequestRules.Check(request).ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var id = await staff.CreateAsync(request.Email!, request.Password!, request.Role!, cancellationToken);
        return TypedResults.Created((string?)null, new AddStaffResponse(id));
    }

    private static CurrentSessionResponse CurrentSession(HttpContext http) => new(
        http.User.FindFirst(ClaimNames.Kind)!.Value, http.User.SubjectId()!.Value, http.User.Role()!, http.User.Actor());

    private static async Task<NoContent> SignOutAsync(HttpContext http, ISessionTokens sessions, CancellationToken cancellationToken)
    {
        if (BearerTokenHandler.BearerToken(http.Request) is { } token) await sessions.RevokeAsync(token, cancellationToken);
        return TypedResults.NoContent();
    }
}
