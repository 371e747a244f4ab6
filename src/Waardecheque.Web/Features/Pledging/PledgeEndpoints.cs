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
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Pledging;

/// <summary>
/// Pledges (API.md "Ideas"): pledging credit, taking it back while the idea is open, and batch collection of paper
/// cheques by the initiator. Pledge and collect take an <c>Idempotency-Key</c>.
/// </summary>
internal sealed class PledgeEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Pledges");

        api.MapPost("/ideas/{id:guid}/pledges", PledgeAsync)
            .RequireAuthorization()
            .WithName("Pledge")
            .WithIdempotencyKey()
            .WithSummary("Pledges credit from the household's cheque to an open idea (resident; a connector: onBehalf + chequeId). " +
                         "Send an Idempotency-Key header to make a retry return the first answer instead of pledging twice.")
            .Produces<PledgeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapDelete("/ideas/{id:guid}/pledges/mine", WithdrawAsync)
            .RequireAuthorization()
            .WithName("WithdrawPledges")
            .WithSummary("Takes back everything the household pledged to an idea that is still open (resident; a connector adds " +
                         "?onBehalf=true&chequeId=...). The credit returns to the cheque.")
            .Produces<WithdrawResponse>()
            .ProducesCommandProblems();

        api.MapPost("/ideas/{id:guid}/collect", CollectAsync)
            .RequireAuthorization()
            .WithName("CollectCheque")
            .WithIdempotencyKey()
            .WithSummary("The initiator scans a neighbour's paper cheque into their idea: as much of its credit as the rules allow is " +
                         "pledged (and an unused cheque is activated). Takes an Idempotency-Key like a pledge.")
            .Produces<PledgeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> PledgeAsync(Guid id, PledgeRequest request, HttpContext http, ActingResolver acting, IMessageBus bus,
        StoreHolder holder, IdempotentRequests idempotency)
    {
        var key = IdempotentRequests.KeyOf(http);
        var who = await acting.ResolveAsync(http.User, request.OnBehalf, request.ChequeId, http.RequestAborted);
        var amount = ApiText.Cents(request.AmountCents, "amountCents", ErrorCodes.InvalidAmount);
        var fingerprint = IdempotentRequests.Fingerprint("pledge", id, who.ChequeId, amount);
        return await idempotency.RunAsync(http, who.Actor, key, fingerprint,
            async headers =>
            {
                var result = await bus.InvokeCommandAsync(new Pledge(id, who.ChequeId, amount, who.OnBehalfOfStaffId),
                    ApiServices.Context(http, headers), http.RequestAborted);
                return (StatusCodes.Status201Created, await AnswerAsync(holder, id, who.ChequeId, Pledged(result), http.RequestAborted));
            },
            k => RecoverAsync(holder, id, who.ChequeId, who.Actor, k));
    }

    private static async Task<Ok<WithdrawResponse>> WithdrawAsync(Guid id, HttpContext http, ActingResolver acting, IMessageBus bus,
        StoreHolder holder, bool? onBehalf, Guid? chequeId)
    {
        var who = await acting.ResolveAsync(http.User, onBehalf, chequeId, http.RequestAborted);
        var result = await bus.InvokeCommandAsync(new WithdrawPledges(id, who.ChequeId, who.OnBehalfOfStaffId), ApiServices.Context(http),
            http.RequestAborted);
        var withdrawn = result.Appended.Select(e => e.Data).OfType<PledgeWithdrawn>().Sum(w => w.AmountCents);
        var after = await AnswerAsync(holder, id, who.ChequeId, 0, http.RequestAborted);
        return TypedResults.Ok(new WithdrawResponse(withdrawn, after.PledgedCents, after.Households, after.State, after.AvailableCents));
    }

    private static async Task<IResult> CollectAsync(Guid id, CollectRequest request, HttpContext http, ActingResolver acting, IMessageBus bus,
        StoreHolder holder, IdempotentRequests idempotency, ICodeAttemptLimiter limiter, CodeKey codeKey)
    {
        var key = IdempotentRequests.KeyOf(http);
        var who = await acting.ResolveAsync(http.User, request.OnBehalf, request.ChequeId, http.RequestAborted);
        // A scanned code is a guess like any other: the same limit as signing in, and no lookup (and no count) for a
        // mistyped one.
        if (!ChequeCode.TryParse(request.Code, out var code))
            throw new RuleViolation(ErrorCodes.InvalidCode, "Deze code klopt niet. Kijk of hij goed is overgetypt.");
        var guesses = who.IsOnBehalf ? NotCounted.Limiter : limiter;
        var paper = await guesses.GuessAsync(http, c => ChequeQueries.FindByCodeLookupAsync(holder.Store.DataSource, codeKey.Lookup.Of(code), c))
            ?? throw ApiProblemException.NotFound("Er is geen cheque met deze code.");
        // The paper cheque's id, not anything computed from its code: the stored fingerprint must not be a way to test guesses.
        var fingerprint = IdempotentRequests.Fingerprint("collect", id, who.ChequeId, paper.Id);
        return await idempotency.RunAsync(http, who.Actor, key, fingerprint,
            async headers =>
            {
                var result = await bus.InvokeCommandAsync(new CollectCheque(id, paper.Id, who.HouseholdId, who.OnBehalfOfStaffId),
                    ApiServices.Context(http, headers), http.RequestAborted);
                // The initiator's own cheque is not touched: its credit is what they see; the paper cheque stays private.
                return (StatusCodes.Status201Created, await AnswerAsync(holder, id, who.ChequeId, Pledged(result), http.RequestAborted));
            },
            k => RecoverAsync(holder, id, who.ChequeId, who.Actor, k));
    }

    private static long Pledged(Events result) => result.Appended.Select(e => e.Data).OfType<PledgeReceived>().Sum(p => p.AmountCents);

    /// <summary>The idea right after the pledge (read-your-writes: the projections are inline) and the acting cheque's credit.</summary>
    private static async Task<PledgeResponse> AnswerAsync(StoreHolder holder, Guid ideaId, Guid chequeId, long amount, CancellationToken ct)
    {
        var db = holder.Store.DataSource;
        var idea = await IdeaQueries.GetAsync(db, ideaId, ct) ?? throw ApiProblemException.NotFound("Dit idee bestaat niet.");
        var cheque = await ChequeQueries.GetAsync(db, chequeId, ct);
        return new PledgeResponse(amount, idea.PledgedCents, idea.Households, ApiText.State(idea.State), cheque?.AvailableCents ?? 0);
    }

    /// <summary>
    /// The answer of a pledge that committed but whose answer was never stored (the process died in between): the
    /// idea folded up to the last event this actor appended with the key.
    /// </summary>
    private static async Task<(int, object)?> RecoverAsync(StoreHolder holder, Guid ideaId, Guid chequeId, string actor, string key)
    {
        var store = holder.Store;
        var version = await StreamQueries.LastVersionWithHeaderAsync(store.DataSource, ideaId, actor, IdempotentRequests.EventHeader, key);
        if (version is null) return null;
        await using var session = store.LightweightSession();
        var events = await session.Events.FetchStreamAsync(ideaId);
        Idea? idea = null;
        long amount = 0;
        foreach (var e in events.Where(e => e.Version <= version))
        {
            idea = AggregateFold.Next(idea, e.Data);
            // Marten hands headers back as JSON values: compare their text.
            if (e.Data is PledgeReceived p && e.Headers?.GetValueOrDefault(IdempotentRequests.EventHeader)?.ToString() == key) amount += p.AmountCents;
        }
        var cheque = await ChequeQueries.GetAsync(store.DataSource, chequeId);
        return (StatusCodes.Status201Created,
            new PledgeResponse(amount, idea!.PledgedCents, idea.HouseholdCount, ApiText.State(idea.State.ToString()), cheque?.AvailableCents ?? 0));
    }
}

[ApiRequest]
public sealed record PledgeRequest(decimal? AmountCents, bool? OnBehalf = null, Guid? ChequeId = null);

[ApiRequest]
public sealed record CollectRequest(string? Code, bool? OnBehalf = null, Guid? ChequeId = null);

/// <summary>
/// <see cref="AmountCents"/>: what this request pledged; the idea's totals and state after it; the acting household's
/// remaining credit (for a collection: the initiator's own cheque, untouched).
/// </summary>
public sealed record PledgeResponse(long AmountCents, long PledgedCents, int Households, [property: ApiEnum(typeof(IdeaState))] string State, long AvailableCents);

public sealed record WithdrawResponse(long WithdrawnCents, long PledgedCents, int Households, [property: ApiEnum(typeof(IdeaState))] string State, long AvailableCents);
