using Wolverine;
using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Residents;

/// <summary>Resident log-in with the code on the letter, and the resident's own cheque (API.md "Resident").</summary>
internal sealed class ResidentEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix + "/resident").WithTags("Resident");

        api.MapPost("/sessions", SignInAsync)
            .AllowAnonymous()
            .WithName("ResidentSignIn")
            .WithSummary("Signs in with the cheque's code (typed, any case and dashes, or the QR URL). The first session activates the " +
                         "cheque. A connector sends onBehalf: true with a staff token: the cheque is activated on behalf and no resident token is given.")
            .Produces<ResidentSessionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/cheque", GetChequeAsync)
            .RequireAuthorization()
            .WithName("GetResidentCheque")
            .WithSummary("The signed-in household's cheque: credit, state, street and buurt (never the exact address) and pledges. " +
                         "A connector adds ?onBehalf=true&chequeId=...")
            .Produces<ResidentChequeResponse>()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<ResidentSessionResponse>> SignInAsync(ResidentSignInRequest request, HttpContext http, StoreHolder holder,
        IMessageBus bus, ISessionTokens sessions, ICodeAttemptLimiter limiter, CodeKey key)
    {
        var ct = http.RequestAborted;
        var staffOnBehalf = request.OnBehalf == true;
        if (staffOnBehalf && http.User.Role() is not (Roles.Moderator or Roles.Admin))
            throw ApiProblemException.Forbidden("Alleen een buurtverbinder kan namens een huishouden aanmelden.");
        // Staff never get a resident token: what they do for a household must be recorded as theirs.
        if (!staffOnBehalf && http.User.IsStaff()) throw ApiProblemException.Forbidden(ActingResolver.OnBehalfHint);

        // A typo the check character catches is no guess: refused before the limiter, never counted. The lookup runs
        // inside the limiter: a client over its limit learns nothing, right code or not. Connectors at the walk-in
        // point are trusted staff (their own sign-in is limited) and are not counted.
        if (!ChequeCode.TryParse(request.Code, out var code))
            throw new RuleViolation(ErrorCodes.InvalidCode, "Deze code klopt niet. Kijk of je hem goed hebt overgetypt.");
        var guesses = staffOnBehalf ? NotCounted.Limiter : limiter;
        var cheque = await guesses.GuessAsync(http, c => ChequeQueries.FindByCodeLookupAsync(holder.Store.DataSource, key.Lookup.Of(code), c))
            ?? throw ApiProblemException.NotFound("Er is geen cheque met deze code.");
        // A blocked or replaced cheque never starts a session (the new letter's code does).
        if (cheque.State is "Blocked" or "Reissued")
            throw new RuleViolation(ErrorCodes.ChequeNotUsable, cheque.State == "Blocked"
                ? "Deze cheque is geblokkeerd. Neem contact op met de gemeente."
                : "Deze cheque is vervangen door een nieuwe cheque. Gebruik de code op de nieuwe brief.");
        if (cheque.State == "Issued")
        {
            var context = staffOnBehalf ? ApiServices.Context(http) : new MessageContext($"cheque:{cheque.Id}", http.TraceIdentifier);
            await bus.InvokeCommandAsync(new ActivateCheque(cheque.Id, staffOnBehalf ? http.User.SubjectId() : null), context, ct);
        }
        var token = staffOnBehalf ? null : await sessions.IssueResidentTokenAsync(cheque.Id, ct);
        return TypedResults.Ok(new ResidentSessionResponse(token?.Token, token?.ExpiresAt, await ResidentViewAsync(holder, cheque.Id, ct)));
    }

    private static async Task<Ok<ResidentChequeResponse>> GetChequeAsync(HttpContext http, ActingResolver acting, StoreHolder holder,
        bool? onBehalf, Guid? chequeId)
    {
        var who = await acting.ResolveAsync(http.User, onBehalf, chequeId, http.RequestAborted);
        return TypedResults.Ok(await ResidentViewAsync(holder, who.ChequeId, http.RequestAborted));
    }

    /// <summary>What a household may see of its own cheque: street and buurt, never postcode or house number.</summary>
    internal static async Task<ResidentChequeResponse> ResidentViewAsync(StoreHolder holder, Guid chequeId, CancellationToken ct)
    {
        var db = holder.Store.DataSource;
        var cheque = await ChequeQueries.GetAsync(db, chequeId, ct) ?? throw ApiProblemException.NotFound("Deze cheque bestaat niet.");
        var program = await ProgramQueries.GetAsync(db, cheque.ProgramId, ct, withCounts: false) ?? throw ApiProblemException.NotFound("Deze regeling bestaat niet.");
        var pledges = await ChequeQueries.PledgesOfHouseholdAsync(db, cheque.ProgramId, cheque.HouseholdId, ct);
        var live = pledges.Where(p => !p.Released).ToList();
        var expired = cheque.EffectiveState == "Expired";
        return new ResidentChequeResponse(cheque.Id, cheque.ProgramId, cheque.ValueCents,
            expired ? 0 : cheque.AvailableCents,
            live.Where(p => p.IdeaState == "Open").Sum(p => p.AmountCents),
            live.Where(p => p.IdeaState is "Funded" or "Completed").Sum(p => p.AmountCents),
            ApiText.State(cheque.EffectiveState),
            // The import only takes households of the program's buurten, so the name is always there.
            new ResidentHousehold(cheque.Street, cheque.BuurtCode, program.BuurtNameOrCode(cheque.BuurtCode)),
            [.. pledges.Select(p => new ResidentPledge(p.IdeaId, p.Title, p.AmountCents, ApiText.State(p.IdeaState), p.Released))]);
    }
}

[ApiRequest]
public sealed record ResidentSignInRequest(string? Code, bool? OnBehalf = null);

/// <summary><see cref="Token"/> is null when a connector signed in on behalf: they go on with their own staff token.</summary>
public sealed record ResidentSessionResponse(string? Token, DateTimeOffset? ExpiresAt, ResidentChequeResponse Cheque);

public sealed record ResidentHousehold(string Street, string BuurtCode, string BuurtName);

/// <summary>One pledge of the household; <see cref="Released"/>: the idea did not go ahead and the credit came back.</summary>
public sealed record ResidentPledge(Guid IdeaId, string Title, long AmountCents, [property: ApiEnum(typeof(IdeaState))] string State, bool Released);

public sealed record ResidentChequeResponse(Guid Id, Guid ProgramId, long ValueCents, long AvailableCents, long PledgedCents,
    long CommittedCents, [property: ApiEnum(typeof(ChequeState))] string State, ResidentHousehold Household, IReadOnlyList<ResidentPledge> Pledges);
