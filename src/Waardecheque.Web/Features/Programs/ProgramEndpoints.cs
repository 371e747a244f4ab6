using Wolverine;
using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Domain.Programs;
using Waardecheque.Domain;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Programs;

/// <summary>Programs (API.md "Programs"): the municipality sets one up, opens and closes it.</summary>
internal sealed class ProgramEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Programs");

        api.MapPost("/programs", CreateAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("CreateProgram")
            .WithLocation()
            .WithSummary("Sets up a program in Draft (admin). Rules left out take the rule book's defaults.")
            .Produces<CreatedProgram>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/programs", ListAsync)
            .RequireAuthorization(Policies.Staff)
            .WithName("ListPrograms")
            .WithSummary("Every program, newest first, with its household and cheque counts (staff).")
            .Produces<IReadOnlyList<ProgramResponse>>()
            .ProducesAuthProblems();

        api.MapGet("/programs/{id:guid}", GetAsync)
            .WithName("GetProgram")
            .WithSummary("A program with its state and rules. Staff see every program; others only programs that are not in Draft.")
            .Produces<ProgramResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/programs/{id:guid}/open", OpenAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("OpenProgram")
            .WithSummary("Opens a Draft program for ideas and pledges (admin); its close is scheduled at closesAt.")
            .Produces<ProgramResponse>()
            .ProducesCommandProblems();

        api.MapPost("/programs/{id:guid}/close", CloseAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("CloseProgram")
            .WithSummary("Closes an Open program (admin): open ideas expire first, then every cheque's remaining credit.")
            .Produces<ProgramResponse>()
            .ProducesCommandProblems();
    }

    private static async Task<Created<CreatedProgram>> CreateAsync(CreateProgramRequest request, HttpContext http, IMessageBus bus)
    {
        ApiText.Require(request.OpensAt is not null, "opensAt", "Vul in wanneer de regeling opent.");
        ApiText.Require(request.ClosesAt is not null, "closesAt", "Vul in wanneer de regeling sluit.");
        // Any offset is accepted; events and read models keep UTC (PostgreSQL timestamptz via Npgsql takes only UTC).
        var defaults = ProgramRules.Default;
        var r = request.Rules;
        var rules = new ProgramRules(
            r?.MinHouseholdsPerIdea ?? defaults.MinHouseholdsPerIdea,
            r?.MinPledgeCents is { } minPledge ? ApiText.Cents(minPledge, "rules.minPledgeCents") : defaults.MinPledgeCents,
            r?.MaxIdeaTargetCents is { } maxTarget ? ApiText.Cents(maxTarget, "rules.maxIdeaTargetCents") : defaults.MaxIdeaTargetCents,
            r?.Moderation ?? defaults.Moderation,
            r?.TopUps ?? defaults.TopUps,
            r?.MaxTopUpCents is { } maxTopUp ? ApiText.Cents(maxTopUp, "rules.maxTopUpCents") : defaults.MaxTopUpCents);
        var value = request.ChequeValueCents is { } v ? ApiText.Cents(v, "chequeValueCents") : 750;
        var id = Guid.CreateVersion7();
        var buurten = (request.Buurten ?? []).Select(b => new Buurt(b.Code ?? "", b.Name ?? "")).ToList();
        await bus.InvokeCommandAsync(new CreateProgram(id, request.Name ?? "", request.MunicipalityCode ?? "", buurten, value,
            request.OpensAt!.Value.ToUniversalTime(), request.ClosesAt!.Value.ToUniversalTime(), rules), ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Created($"{ApiServices.Prefix}/programs/{id}", new CreatedProgram(id));
    }

    private static async Task<Ok<List<ProgramResponse>>> ListAsync(StoreHolder holder, CancellationToken ct) =>
        TypedResults.Ok((await ProgramQueries.ListAsync(holder.Store.DataSource, ct)).Select(ProgramResponse.From).ToList());

    private static async Task<Ok<ProgramResponse>> GetAsync(Guid id, HttpContext http, StoreHolder holder, CancellationToken ct)
    {
        var program = await ProgramQueries.GetAsync(holder.Store.DataSource, id, ct);
        // A program in preparation is not announced yet: only staff see it.
        if (program is null || (program.State == nameof(ProgramState.Draft) && !http.User.IsStaff()))
            throw ApiProblemException.NotFound("Deze regeling bestaat niet.");
        return TypedResults.Ok(ProgramResponse.From(program));
    }

    private static async Task<Ok<ProgramResponse>> OpenAsync(Guid id, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        await bus.InvokeCommandAsync(new OpenProgram(id), ApiServices.Context(http), http.RequestAborted);
        return await GetAsync(id, http, holder, http.RequestAborted);
    }

    private static async Task<Ok<ProgramResponse>> CloseAsync(Guid id, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        await bus.InvokeCommandAsync(new CloseProgram(id), ApiServices.Context(http), http.RequestAborted);
        return await GetAsync(id, http, holder, http.RequestAborted);
    }
}

[ApiRequest]
public sealed record BuurtRequest(string? Code, string? Name);

/// <summary>Every rule is optional: a missing one takes its default (DOMAIN.md "Program rules").</summary>
[ApiRequest]
public sealed record RulesRequest(int? MinHouseholdsPerIdea = null, decimal? MinPledgeCents = null, decimal? MaxIdeaTargetCents = null,
    bool? Moderation = null, bool? TopUps = null, decimal? MaxTopUpCents = null);

/// <summary><see cref="ChequeValueCents"/> defaults to 750, <see cref="Rules"/> to the default rules.</summary>
[ApiRequest]
public sealed record CreateProgramRequest(string? Name, string? MunicipalityCode, List<BuurtRequest>? Buurten, DateTimeOffset? OpensAt,
    DateTimeOffset? ClosesAt, decimal? ChequeValueCents = null, RulesRequest? Rules = null);

public sealed record CreatedProgram(Guid Id);

public sealed record ProgramResponse(Guid Id, string Name, string MunicipalityCode, IReadOnlyList<Buurt> Buurten, long ChequeValueCents,
    DateTimeOffset OpensAt, DateTimeOffset ClosesAt, [property: ApiEnum(typeof(ProgramState))] string State, ProgramRules Rules, DateTimeOffset CreatedAt, int Households, int Cheques)
{
    public static ProgramResponse From(ProgramRow p) => new(p.Id, p.Name, p.MunicipalityCode, p.Buurten, p.ChequeValueCents, p.OpensAt,
        p.ClosesAt, ApiText.State(p.State), p.Rules, p.CreatedAt, p.Households, p.Cheques);
}
