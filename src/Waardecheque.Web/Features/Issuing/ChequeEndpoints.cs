using Wolverine;
using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain;
using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Issuing;

/// <summary>Issuing, printing, looking up, blocking and reissuing cheques (API.md "Programs").</summary>
internal sealed class ChequeEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Cheques");

        api.MapPost("/programs/{id:guid}/cheques/issue", IssueAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("IssueCheques")
            .WithSummary("Issues one cheque to every household of the program that has none yet (admin); running it again issues nothing twice.")
            .Produces<IssueResponse>()
            .ProducesCommandProblems();

        api.MapGet("/programs/{id:guid}/letters.pdf", LettersAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("PrintLetters")
            .WithSummary("The cheque letters as one PDF (admin): one page per household with a current (issued or activated) cheque, " +
                         "ordered by street and house number, with QR code and text code. Each code printed is recorded on its cheque " +
                         "as disclosed to this staff member.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/cheques/{id:guid}", GetAsync)
            .RequireAuthorization(Policies.Staff)
            .WithName("GetCheque")
            .WithSummary("A cheque with its household's exact address and pledges (staff).")
            .Produces<StaffChequeResponse>()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/cheques/{id:guid}/block", BlockAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("BlockCheque")
            .WithSummary("Blocks a lost or stolen cheque (admin) and ends its sessions; its credit stays until it is reissued.")
            .Produces<StaffChequeResponse>()
            .ProducesCommandProblems();

        api.MapPost("/cheques/{id:guid}/reissue", ReissueAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("ReissueCheque")
            .WithLocation()
            .WithSummary("Replaces a cheque with a new code that carries the remaining credit (admin); the old one and its sessions end. " +
                         "The new code is recorded as disclosed to this staff member.")
            .Produces<ReissueResponse>(StatusCodes.Status201Created)
            .ProducesCommandProblems();

        api.MapGet("/cheques/{id:guid}/qr.svg", (Guid id, IConfiguration config, StoreHolder holder, CodeKey key, IMessageBus bus,
                    HttpContext http) => QrAsync(id, config, holder, key, bus, http, url => Results.Content(QrCodes.Svg(url), "image/svg+xml")))
            .RequireAuthorization(Policies.Admin)
            .WithName("ChequeQrSvg")
            .WithSummary("The cheque's QR code as SVG, for a reprint (admin only: the code is the cheque's key; recorded on the " +
                         "cheque as a disclosure to this staff member).")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/cheques/{id:guid}/qr.png", (Guid id, IConfiguration config, StoreHolder holder, CodeKey key, IMessageBus bus,
                    HttpContext http) => QrAsync(id, config, holder, key, bus, http, url => Results.File(QrCodes.Png(url), "image/png")))
            .RequireAuthorization(Policies.Admin)
            .WithName("ChequeQrPng")
            .WithSummary("The cheque's QR code as PNG, for a reprint (admin only; recorded as a disclosure).")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IssueResponse>> IssueAsync(Guid id, HttpContext http, IssuingRuns issuing)
    {
        var result = await issuing.RunNowAsync(id, ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Ok(new IssueResponse(result.Issued, result.TotalCents));
    }

    private static async Task LettersAsync(Guid id, HttpContext http, ProgramLetters letters)
    {
        if (!await letters.WriteAsync(id, ApiText.StaffId(http.User), ApiServices.Context(http), http.Response, http.RequestAborted))
            throw ApiProblemException.NotFound("Deze regeling bestaat niet.");
    }

    private static async Task<Ok<StaffChequeResponse>> GetAsync(Guid id, StoreHolder holder, CancellationToken ct) =>
        TypedResults.Ok(await StaffViewAsync(holder, id, ct));

    private static async Task<Ok<StaffChequeResponse>> BlockAsync(Guid id, BlockRequest request, HttpContext http, IMessageBus bus,
        StoreHolder holder, ISessionTokens sessions)
    {
        await bus.InvokeCommandAsync(new BlockCheque(id, ApiText.StaffId(http.User), request.Reason ?? ""), ApiServices.Context(http), http.RequestAborted);
        // A blocked cheque is out of use at once: whoever holds a session with it is signed out.
        await sessions.RevokeSubjectAsync(id, http.RequestAborted);
        return TypedResults.Ok(await StaffViewAsync(holder, id, http.RequestAborted));
    }

    private static async Task<Created<ReissueResponse>> ReissueAsync(Guid id, HttpContext http, IMessageBus bus, CodeKey key,
        ISessionTokens sessions)
    {
        var codeKey = key.Bytes;
        await bus.InvokeCommandAsync(new ReissueCheque(id, ApiText.StaffId(http.User)), ApiServices.Context(http), http.RequestAborted);
        await sessions.RevokeSubjectAsync(id, http.RequestAborted);
        var newId = Cheque.ReplacementIdFor(id);
        return TypedResults.Created($"{ApiServices.Prefix}/cheques/{newId}",
            new ReissueResponse(newId, ChequeCode.Derive(codeKey, newId).ToString()));
    }

    private static async Task<IResult> QrAsync(Guid id, IConfiguration config, StoreHolder holder, CodeKey key, IMessageBus bus,
        HttpContext http, Func<string, IResult> render)
    {
        _ = await ChequeQueries.GetAsync(holder.Store.DataSource, id, http.RequestAborted)
            ?? throw ApiProblemException.NotFound("Deze cheque bestaat niet.");
        // On the cheque's record before the picture leaves (DOMAIN.md "Who sees a code"); a HEAD sends no picture.
        if (!HeadRequests.IsHead(http))
            await bus.InvokeCommandAsync(new DiscloseCodes([id], CodeDisclosure.QrCode, ApiText.StaffId(http.User)), ApiServices.Context(http),
                http.RequestAborted);
        var url = ChequeUrls.For(WebConfig.PublicBaseUrlOf(config), ChequeCode.Derive(key.Bytes, id).ToString());
        // The picture is the cheque's secret: no cache may keep it.
        http.Response.Headers.CacheControl = "no-store";
        return render(url);
    }

    internal static async Task<StaffChequeResponse> StaffViewAsync(StoreHolder holder, Guid id, CancellationToken ct)
    {
        var db = holder.Store.DataSource;
        var cheque = await ChequeQueries.GetAsync(db, id, ct) ?? throw ApiProblemException.NotFound("Deze cheque bestaat niet.");
        var address = await ChequeQueries.AddressAsync(db, cheque.HouseholdId, ct);
        var pledges = await ChequeQueries.PledgesOfHouseholdAsync(db, cheque.ProgramId, cheque.HouseholdId, ct);
        return new StaffChequeResponse(cheque.Id, cheque.ProgramId, cheque.HouseholdId, ApiText.State(cheque.EffectiveState),
            cheque.ValueCents, cheque.AvailableCents, cheque.IssuedAt, cheque.ActivatedAt, cheque.ReplacesChequeId,
            cheque.ReplacedByChequeId, cheque.BlockedReason,
            address is null ? null : new StaffAddress(address.Postcode, address.Huisnummer, address.Huisletter, address.Toevoeging,
                address.Street, address.BuurtCode),
            [.. pledges.Select(p => new StaffChequePledge(p.IdeaId, p.Title, p.AmountCents, ApiText.State(p.IdeaState), p.Released))]);
    }
}

public sealed record IssueResponse(int Issued, long TotalCents);

[ApiRequest]
public sealed record BlockRequest(string? Reason);

public sealed record ReissueResponse(Guid ChequeId, string Code);

public sealed record StaffAddress(string Postcode, int Huisnummer, string? Huisletter, string? Toevoeging, string Street, string BuurtCode);

public sealed record StaffChequePledge(Guid IdeaId, string Title, long AmountCents, [property: ApiEnum(typeof(IdeaState))] string State, bool Released);

public sealed record StaffChequeResponse(Guid Id, Guid ProgramId, Guid HouseholdId, [property: ApiEnum(typeof(ChequeState))] string State, long ValueCents, long AvailableCents,
    DateTimeOffset IssuedAt, DateTimeOffset? ActivatedAt, Guid? ReplacesChequeId, Guid? ReplacedByChequeId, string? BlockedReason,
    StaffAddress? Address, IReadOnlyList<StaffChequePledge> Pledges);
