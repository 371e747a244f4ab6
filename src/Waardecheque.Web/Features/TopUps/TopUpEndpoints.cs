using Waardecheque.Domain;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// Top-ups with own money (API.md "Ideas"): start one (the rules first, then Stripe Checkout) and ask how it stands.
/// The work is in <see cref="TopUpService"/>, shared with the pages.
/// </summary>
internal sealed class TopUpEndpoints : IEndpointModule
{
    public const int MaxEmailLength = 254;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Top-ups");

        api.MapPost("/ideas/{id:guid}/topups", StartAsync)
            .RequireAuthorization()
            .WithName("StartTopUp")
            .WithIdempotencyKey()
            .WithSummary("A resident adds own money to an open idea (a connector: onBehalf + chequeId). P4, P6, P7 and the program's " +
                         "maxTopUpCents are checked first; then a Stripe Checkout (iDEAL and card, EUR, 30 minutes) is opened and its " +
                         "address returned. The money counts once Stripe reports it paid. Send an Idempotency-Key: a retry with the " +
                         "same key returns the same top-up and the same checkout (503 means: retry with the same key).")
            .Produces<StartTopUpResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesCommandProblems()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/topups/{id:guid}", GetAsync)
            .RequireAuthorization()
            .WithName("GetTopUp")
            .WithSummary("How a top-up stands (the resident who started it, or staff): pending (not paid yet), paid (counts toward " +
                         "the idea), failed or expired (never paid), refunding (paid, on its way back), refunded.")
            .Produces<TopUpResponse>()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> StartAsync(Guid id, StartTopUpRequest request, HttpContext http, ActingResolver acting,
        TopUpService topUps)
    {
        var key = IdempotentRequests.KeyOf(http);
        var who = await acting.ResolveAsync(http.User, request.OnBehalf, request.ChequeId, http.RequestAborted);
        var amount = ApiText.Cents(request.AmountCents, "amountCents", ErrorCodes.InvalidAmount);
        var email = Email(request.Email);
        var started = await topUps.StartAsync(id, amount, who, key, email: email, correlationId: http.TraceIdentifier, ct: http.RequestAborted);
        return Results.Json(new StartTopUpResponse(started.TopUpId, started.CheckoutUrl), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, TopUpService topUps, StoreHolder holder)
    {
        var topUp = await topUps.GetAsync(id, http.RequestAborted);
        // A resident sees their household's top-ups (also those made with a cheque that was reissued since); anyone
        // else's is "not found", not "forbidden" (no probing).
        var mine = false;
        if (topUp is not null && http.User.ChequeId() is { } cheque)
            mine = topUp.ChequeId == cheque
                   || (await ChequeQueries.GetAsync(holder.Store.DataSource, cheque, http.RequestAborted))?.HouseholdId is { } household
                      && household == topUp.HouseholdId;
        if (topUp is null || !(mine || http.User.IsStaff())) throw ApiProblemException.NotFound("Deze inleg bestaat niet.");
        return Results.Ok(TopUpResponse.Of(topUp));
    }

    private static string? Email(string? email)
    {
        if (email is null) return null;
        var trimmed = email.Trim();
        var at = trimmed.IndexOf('@');
        ApiText.Require(trimmed.Length <= MaxEmailLength && at > 0 && at < trimmed.Length - 1 && trimmed.All(c => c > ' ' && c != '\u007f'),
            "email", "Geef een geldig e-mailadres, of laat het weg.");
        return trimmed;
    }
}

[ApiRequest]
public sealed record StartTopUpRequest(decimal? AmountCents, string? Email = null, bool? OnBehalf = null, Guid? ChequeId = null);

public sealed record StartTopUpResponse(Guid TopUpId, string CheckoutUrl);

/// <summary><see cref="State"/>: pending | paid | failed | expired | refunding | refunded.</summary>
public sealed record TopUpResponse(Guid Id, Guid IdeaId, long AmountCents,
    [property: ApiEnum("TopUpState", "pending", "paid", "failed", "expired", "refunding", "refunded")] string State, long RefundedCents, DateTimeOffset StartedAt,
    string? CheckoutUrl)
{
    public static TopUpResponse Of(TopUpView v) => new(v.Id, v.IdeaId, v.AmountCents, v.State, v.RefundedCents, v.StartedAt, v.CheckoutUrl);
}
