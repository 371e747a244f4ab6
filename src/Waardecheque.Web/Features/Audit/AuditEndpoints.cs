using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Domain.Ledger;
using Waardecheque.ReadModels.Audit;
using Waardecheque.ReadModels.Integrity;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Audit;

/// <summary>The auditor's view (API.md "Audit"): the figures, the double-entry journal and the integrity check.</summary>
internal sealed class AuditEndpoints : IEndpointModule
{
    public const string JournalHeader = JournalCsv.Header;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Audit");

        api.MapGet("/programs/{id:guid}/audit", AuditAsync)
            .RequireAuthorization(Policies.Auditor)
            .WithName("ProgramAudit")
            .WithSummary("The program's books as folded from the event log (auditor or admin; from the audit projection plus the events after its checkpoint): every money figure, whether they " +
                         "reconcile, per buurt, per idea and participation.")
            .Produces<AuditFigures>()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/programs/{id:guid}/journal.csv", JournalAsync)
            .RequireAuthorization(Policies.Auditor)
            .WithName("ProgramJournal")
            .WithSummary("The double-entry journal as CSV (auditor or admin): " + JournalHeader + ". Amounts sum to zero per account pair.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/audit/verify", VerifyAsync)
            .RequireAuthorization(Policies.Auditor)
            .WithName("VerifyIntegrity")
            .WithSummary("Recomputes every event's hash chain and the checkpoint over all stream heads (auditor or admin).")
            .Produces<IntegrityReport>()
            .ProducesAuthProblems();
    }

    private static async Task<Ok<AuditFigures>> AuditAsync(Guid id, StoreHolder holder, CancellationToken ct)
    {
        await RequireProgramAsync(holder, id, ct);
        // The projection plus the events after its checkpoint: exact at every moment, without folding the whole log.
        return TypedResults.Ok((await ProgramAudit.ReadAsync(holder.Store.DataSource, id, withDays: false, ct)).Figures);
    }

    private static async Task JournalAsync(Guid id, HttpContext http, StoreHolder holder)
    {
        var ct = http.RequestAborted;
        await RequireProgramAsync(holder, id, ct);
        await JournalCsv.WriteAsync(http.Response, holder.Store, id, ct);
    }

    private static async Task<Ok<IntegrityReport>> VerifyAsync(StoreHolder holder, CancellationToken ct) =>
        TypedResults.Ok(await holder.Store.VerifyAsync(ct));

    private static async Task RequireProgramAsync(StoreHolder holder, Guid id, CancellationToken ct)
    {
        if (await ProgramQueries.GetAsync(holder.Store.DataSource, id, ct, withCounts: false) is null) throw ApiProblemException.NotFound("Deze regeling bestaat niet.");
    }
}
