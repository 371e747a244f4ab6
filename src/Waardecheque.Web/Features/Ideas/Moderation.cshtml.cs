using Microsoft.AspNetCore.Authorization;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Ideas;

/// <summary><c>/beheer/moderatie</c>: proposed ideas, oldest first; approve, or reject with a reason the resident sees.</summary>
[Authorize(Policy = PageAuth.ModeratorPolicy)]
public sealed class ModerationModel(StoreHolder holder, IMessageBus bus) : WcPageModel
{
    public IReadOnlyList<IdeaRow> Ideas { get; private set; } = [];
    public Dictionary<Guid, ProgramRow> Programs { get; } = [];

    public Task OnGetAsync(string? goedgekeurd, string? afgewezen)
    {
        if (goedgekeurd is not null) Notice = T.F("mod.approved", goedgekeurd);
        if (afgewezen is not null) Notice = T.F("mod.rejected", afgewezen);
        return LoadAsync();
    }

    public async Task<IActionResult> OnPostApproveAsync([FromForm] Guid id)
    {
        var idea = await IdeaQueries.GetAsync(holder.Store.DataSource, id, HttpContext.RequestAborted);
        if (await TryInvokeAsync(bus, new ApproveIdea(id, User.SubjectId()!.Value)))
            return Redirect($"/beheer/moderatie?goedgekeurd={Uri.EscapeDataString(idea?.Title ?? "")}");
        await LoadAsync();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public async Task<IActionResult> OnPostRejectAsync([FromForm] Guid id, [FromForm] string? reason)
    {
        var idea = await IdeaQueries.GetAsync(holder.Store.DataSource, id, HttpContext.RequestAborted);
        if (await TryInvokeAsync(bus, new RejectIdea(id, User.SubjectId()!.Value, reason ?? "")))
            return Redirect($"/beheer/moderatie?afgewezen={Uri.EscapeDataString(idea?.Title ?? "")}");
        await LoadAsync();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync()
    {
        var (db, ct) = (holder.Store.DataSource, HttpContext.RequestAborted);
        Ideas = await IdeaQueries.InStateAsync(db, "Submitted", ct);
        foreach (var programId in Ideas.Select(i => i.ProgramId).Distinct())
            if (await ProgramQueries.GetAsync(db, programId, ct, withCounts: false) is { } p) Programs[programId] = p;
    }
}
