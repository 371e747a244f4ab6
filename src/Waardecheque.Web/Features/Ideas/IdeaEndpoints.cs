using Wolverine;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Domain;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Ideas;

/// <summary>Ideas (API.md "Ideas"): the public list, proposing, moderating, withdrawing and completing.</summary>
internal sealed class IdeaEndpoints : IEndpointModule
{
    /// <summary>
    /// What the public (and any resident) sees: approved ideas and how they ended. Proposals waiting for a connector,
    /// rejected and withdrawn ideas are for staff and for the household that proposed them.
    /// </summary>
    public static readonly IReadOnlyList<string> PublicStates = ["Open", "Funded", "Completed", "Expired"];

    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Ideas");

        api.MapGet("/programs/{id:guid}/ideas", ListAsync)
            .AllowAnonymous()
            .WithName("ListIdeas")
            .WithSummary("The program's ideas, newest first (public). Filters: buurt (BU code), street (street ideas of that street), " +
                         "state (one or more, comma separated). The public sees open, funded, completed and expired ideas; staff see all.")
            .Produces<IReadOnlyList<IdeaSummary>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/ideas/{id:guid}", GetAsync)
            .AllowAnonymous()
            .WithName("GetIdea")
            .WithSummary("One idea with its totals (public). Staff also get its pledges; staff and the initiator get its expenses.")
            .Produces<IdeaDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/ideas", ProposeAsync)
            .RequireAuthorization()
            .WithName("ProposeIdea")
            .WithLocation()
            .WithSummary("A resident proposes an idea for their own street or buurt (a connector: onBehalf + chequeId).")
            .Produces<ProposedIdea>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesCommandProblems();

        api.MapPost("/ideas/{id:guid}/approve", ApproveAsync)
            .RequireAuthorization(Policies.Moderator)
            .WithName("ApproveIdea")
            .WithSummary("A connector approves a proposed idea: it opens for pledges until its deadline (moderator or admin).")
            .Produces<IdeaStateResponse>()
            .ProducesCommandProblems();

        api.MapPost("/ideas/{id:guid}/reject", RejectAsync)
            .RequireAuthorization(Policies.Moderator)
            .WithName("RejectIdea")
            .WithSummary("A connector rejects an idea with a reason the resident sees; any pledges go back (moderator or admin).")
            .Produces<IdeaStateResponse>()
            .ProducesCommandProblems();

        api.MapPost("/ideas/{id:guid}/withdraw", WithdrawAsync)
            .RequireAuthorization()
            .WithName("WithdrawIdea")
            .WithSummary("The initiator (resident) or a connector withdraws an idea that is not funded; every pledge goes back.")
            .Produces<IdeaStateResponse>()
            .ProducesCommandProblems();

        api.MapPost("/ideas/{id:guid}/complete", CompleteAsync)
            .RequireAuthorization(Policies.Moderator)
            .WithName("CompleteIdea")
            .WithSummary("Closes the books of a funded idea (moderator or admin); the unspent remainder is returned.")
            .Produces<CompletedIdea>()
            .ProducesCommandProblems();
    }

    private static async Task<Ok<List<IdeaSummary>>> ListAsync(Guid id, HttpContext http, StoreHolder holder, string? buurt, string? street,
        string? state)
    {
        var ct = http.RequestAborted;
        // Filters are typed text like any other (DOMAIN.md): a NUL would otherwise reach PostgreSQL, which refuses it.
        new FieldErrors()
            .Text(buurt, "buurt", 0, 20, "Een buurtcode is BU gevolgd door 8 cijfers.")
            .Text(street, "street", 0, AddressRules.MaxStreetLength, $"Een straatnaam is hoogstens {AddressRules.MaxStreetLength} tekens.")
            .Text(state, "state", 0, 200, "Geef een of meer toestanden, gescheiden door komma's.")
            .ThrowIfAny();
        var db = holder.Store.DataSource;
        var program = await ProgramQueries.GetAsync(db, id, ct, withCounts: false);
        if (program is null || (program.State == "Draft" && !http.User.IsStaff())) throw ApiProblemException.NotFound("Deze regeling bestaat niet.");
        var states = ParseStates(state);
        var visibility = await VisibilityAsync(http.User, holder, ct);
        var rows = await IdeaQueries.ListAsync(db, id,
            new IdeaFilter(buurt?.Trim(), street?.Trim(), states, visibility.States, visibility.Household), ct);
        return TypedResults.Ok(rows.Select(r => IdeaSummary.From(r, program)).ToList());
    }

    private static async Task<Ok<IdeaDetail>> GetAsync(Guid id, HttpContext http, StoreHolder holder)
    {
        var ct = http.RequestAborted;
        var db = holder.Store.DataSource;
        var idea = await VisibleIdeaAsync(http.User, holder, id, ct);
        var program = (await ProgramQueries.GetAsync(db, idea.ProgramId, ct, withCounts: false))!;
        var staff = http.User.IsStaff();
        var household = await HouseholdOfAsync(http.User, holder, ct);
        var isInitiator = household is { } h && h == idea.InitiatorHouseholdId;

        IReadOnlyList<IdeaPledge>? pledges = null;
        long? mine = null;
        if (staff || household is not null)
        {
            var all = await IdeaQueries.PledgesAsync(db, id, ct);
            // Only staff see who pledged; a resident sees their own amount and never another household.
            if (staff) pledges = [.. all.Select(p => new IdeaPledge(p.HouseholdId, p.ChequeId, p.AmountCents, p.Released))];
            if (household is { } own) mine = all.Where(p => p.HouseholdId == own && !p.Released).Sum(p => p.AmountCents);
        }
        IReadOnlyList<IdeaExpense>? expenses = null;
        if (staff || isInitiator)
            expenses = [.. (await ExpenseQueries.ForIdeaAsync(db, id, ct)).Select(IdeaExpense.From)];

        return TypedResults.Ok(new IdeaDetail(idea.Id, idea.ProgramId, idea.Title, idea.Description, IdeaScope.From(idea, program),
            idea.TargetCents, idea.PledgedCents, idea.ToppedUpCents, Math.Max(0, idea.TargetCents - idea.PledgedCents - idea.ToppedUpCents),
            idea.Households, program.Rules.MinHouseholdsPerIdea, idea.Deadline, ApiText.State(idea.State), idea.ProposedAt,
            idea.DecisionReason, idea.SpentCents, idea.ReturnedCents, household is null ? null : new MyPart(isInitiator, mine ?? 0),
            pledges, expenses));
    }

    private static async Task<Created<ProposedIdea>> ProposeAsync(ProposeIdeaRequest request, HttpContext http, ActingResolver acting, IMessageBus bus)
    {
        var who = await acting.ResolveAsync(http.User, request.OnBehalf, request.ChequeId, http.RequestAborted);
        var kind = request.Scope?.Kind?.Trim().ToLowerInvariant() switch
        {
            "street" => ScopeKind.Street,
            "buurt" => ScopeKind.Buurt,
            _ => (ScopeKind?)null,
        };
        ApiText.Require(kind is not null, "scope.kind", "Kies \"street\" (een straat) of \"buurt\" (een hele buurt).");
        ApiText.Require(request.Deadline is not null, "deadline", "Vul een deadline in.");
        var target = ApiText.Cents(request.TargetCents, "targetCents");
        var id = Guid.CreateVersion7();
        var result = await bus.InvokeCommandAsync(new ProposeIdea(id, who.ChequeId, request.Title ?? "", request.Description ?? "",
                new Scope(kind!.Value, request.Scope!.BuurtCode ?? "", request.Scope.Street), target, request.Deadline!.Value.ToUniversalTime(),
                who.OnBehalfOfStaffId),
            ApiServices.Context(http), http.RequestAborted);
        var state = result.Appended.Any(e => e.Data is IdeaApproved) ? IdeaState.Open : IdeaState.Submitted;
        return TypedResults.Created($"{ApiServices.Prefix}/ideas/{id}", new ProposedIdea(id, ApiText.State(state.ToString())));
    }

    private static async Task<Ok<IdeaStateResponse>> ApproveAsync(Guid id, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        await bus.InvokeCommandAsync(new ApproveIdea(id, ApiText.StaffId(http.User)), ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Ok(await StateOfAsync(holder, id, http.RequestAborted));
    }

    private static async Task<Ok<IdeaStateResponse>> RejectAsync(Guid id, ReasonRequest request, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        await bus.InvokeCommandAsync(new RejectIdea(id, ApiText.StaffId(http.User), request.Reason ?? ""), ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Ok(await StateOfAsync(holder, id, http.RequestAborted));
    }

    private static async Task<Ok<IdeaStateResponse>> WithdrawAsync(Guid id, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        var user = http.User;
        WithdrawIdea command;
        if (user.ChequeId() is { } chequeId)
        {
            var cheque = await ChequeQueries.GetAsync(holder.Store.DataSource, chequeId, http.RequestAborted)
                         ?? throw ApiProblemException.NotFound("Deze cheque bestaat niet.");
            command = new WithdrawIdea(id, ByHouseholdId: cheque.HouseholdId);
        }
        else if (user.Role() is Roles.Moderator or Roles.Admin) command = new WithdrawIdea(id, ByStaffId: ApiText.StaffId(user));
        else throw ApiProblemException.Forbidden(ProblemCodes.DetailFor(403));
        await bus.InvokeCommandAsync(command, ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Ok(await StateOfAsync(holder, id, http.RequestAborted));
    }

    private static async Task<Ok<CompletedIdea>> CompleteAsync(Guid id, HttpContext http, IMessageBus bus)
    {
        var result = await bus.InvokeCommandAsync(new CompleteIdea(id, ApiText.StaffId(http.User)), ApiServices.Context(http), http.RequestAborted);
        var done = result.Appended.Select(e => e.Data).OfType<IdeaCompleted>().Single();
        return TypedResults.Ok(new CompletedIdea(id, ApiText.State(nameof(IdeaState.Completed)), done.BudgetCents, done.SpentCents, done.ReturnedCents));
    }

    internal static async Task<IdeaStateResponse> StateOfAsync(StoreHolder holder, Guid id, CancellationToken ct)
    {
        var idea = await IdeaQueries.GetAsync(holder.Store.DataSource, id, ct) ?? throw ApiProblemException.NotFound("Dit idee bestaat niet.");
        return new IdeaStateResponse(idea.Id, ApiText.State(idea.State), idea.PledgedCents, idea.Households);
    }

    /// <summary>An idea the caller may see, or 404 (also for one that exists but is not public: its existence is not told).</summary>
    internal static async Task<IdeaRow> VisibleIdeaAsync(ClaimsPrincipal user, StoreHolder holder, Guid id, CancellationToken ct)
    {
        var idea = await IdeaQueries.GetAsync(holder.Store.DataSource, id, ct);
        if (idea is not null)
        {
            var visibility = await VisibilityAsync(user, holder, ct);
            if (visibility.States is null || visibility.States.Contains(idea.State) || visibility.Household == idea.InitiatorHouseholdId)
                return idea;
        }
        throw ApiProblemException.NotFound("Dit idee bestaat niet.");
    }

    private static async Task<(IReadOnlyList<string>? States, Guid? Household)> VisibilityAsync(ClaimsPrincipal user, StoreHolder holder,
        CancellationToken ct) =>
        user.IsStaff() ? (null, null) : (PublicStates, await HouseholdOfAsync(user, holder, ct));

    private static async Task<Guid?> HouseholdOfAsync(ClaimsPrincipal user, StoreHolder holder, CancellationToken ct) =>
        user.ChequeId() is { } chequeId ? (await ChequeQueries.GetAsync(holder.Store.DataSource, chequeId, ct))?.HouseholdId : null;

    private static IReadOnlyList<string>? ParseStates(string? state)
    {
        if (string.IsNullOrWhiteSpace(state)) return null;
        var names = Enum.GetNames<IdeaState>();
        var parsed = new List<string>();
        foreach (var part in state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = names.FirstOrDefault(n => n.Equals(part, StringComparison.OrdinalIgnoreCase));
            ApiText.Require(match is not null, "state",
                $"Onbekende toestand '{part}'; kies uit {string.Join(", ", names.Select(ApiText.State))}.");
            parsed.Add(match!);
        }
        return parsed;
    }
}

/// <summary><see cref="Street"/>: for a street idea only.</summary>
[ApiRequest]
public sealed record ScopeRequest([property: ApiEnum(typeof(ScopeKind))] string? Kind, string? BuurtCode, string? Street = null);

[ApiRequest]
public sealed record ProposeIdeaRequest(string? Title, ScopeRequest? Scope, decimal? TargetCents, DateTimeOffset? Deadline,
    string? Description = null, bool? OnBehalf = null, Guid? ChequeId = null);

public sealed record ProposedIdea(Guid Id, [property: ApiEnum(typeof(IdeaState))] string State);

[ApiRequest]
public sealed record ReasonRequest(string? Reason);

public sealed record IdeaStateResponse(Guid Id, [property: ApiEnum(typeof(IdeaState))] string State, long PledgedCents, int Households);

public sealed record CompletedIdea(Guid Id, [property: ApiEnum(typeof(IdeaState))] string State, long BudgetCents, long SpentCents, long ReturnedCents);

/// <summary><see cref="Street"/>: for a street idea only. An idea's buurt is always one of its program's (checked when proposed).</summary>
public sealed record IdeaScope([property: ApiEnum(typeof(ScopeKind))] string Kind, string BuurtCode, string BuurtName, string? Street)
{
    public static IdeaScope From(IdeaRow idea, ProgramRow program) =>
        new(ApiText.State(idea.ScopeKind), idea.BuurtCode, program.BuurtNameOrCode(idea.BuurtCode), idea.Street);
}

public sealed record IdeaSummary(Guid Id, string Title, IdeaScope Scope, long TargetCents, long PledgedCents, long ToppedUpCents,
    int Households, int MinHouseholds, DateTimeOffset Deadline, [property: ApiEnum(typeof(IdeaState))] string State)
{
    public static IdeaSummary From(IdeaRow r, ProgramRow program) => new(r.Id, r.Title, IdeaScope.From(r, program), r.TargetCents,
        r.PledgedCents, r.ToppedUpCents, r.Households, program.Rules.MinHouseholdsPerIdea, r.Deadline, ApiText.State(r.State));
}

/// <summary>A household's part in an idea, for the signed-in resident only.</summary>
public sealed record MyPart(bool Initiator, long PledgedCents);

public sealed record IdeaPledge(Guid HouseholdId, Guid ChequeId, long AmountCents, bool Released);

public sealed record IdeaExpense(Guid Id, long AmountCents, string Payee, string Description, [property: ApiEnum(typeof(ExpenseState))] string State, DateTimeOffset SubmittedAt,
    bool SubmittedOnBehalf, string? Reason, string? PaymentReference, string ReceiptUrl)
{
    public static IdeaExpense From(ExpenseRow e) => new(e.Id, e.AmountCents, e.Payee, e.Description, ApiText.State(e.State), e.SubmittedAt,
        e.SubmittedByStaffId is not null, e.Reason, e.PaymentReference, $"{ApiServices.Prefix}/expenses/{e.Id}/receipt");
}

public sealed record IdeaDetail(Guid Id, Guid ProgramId, string Title, string Description, IdeaScope Scope, long TargetCents,
    long PledgedCents, long ToppedUpCents, long StillNeededCents, int Households, int MinHouseholds, DateTimeOffset Deadline, [property: ApiEnum(typeof(IdeaState))] string State,
    DateTimeOffset ProposedAt, string? DecisionReason, long SpentCents, long ReturnedCents, MyPart? Mine,
    IReadOnlyList<IdeaPledge>? Pledges, IReadOnlyList<IdeaExpense>? Expenses);
