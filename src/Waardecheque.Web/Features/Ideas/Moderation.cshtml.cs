using Microsoft.AspNetCore.Authorization;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Ideas;

/// <summary><c>/beheer/moderatie</c>: proposed ideas, oldest first; approve, or reject with a reason the resident sees.</summary>
[Authorize(Policy = PageAuth.ModeratorPolicy)]
public sealed class ModerationModel(PageQueries queries, IMessageBus bus) : WcPageModel
{
    public IReadOnlyList<IdeaView> Ideas { get; private set; } = [];
    public Dictionary<Guid, ProgramView> Programs { get; } = [];

    public Task OnGetAsync(string? goedgekeurd, string? afgewezen)
    {
        if (goedgekeurd is not null) Notice = T.F("mod.approved", goedgekeurd);
        if (afgewezen is not null) Notice = T.F("mod.rejected", afgewezen);
        return LoadAsync();
    }

    public async Task<IActionResult> OnPostApproveAsync([FromForm] Guid id)
    {
        var idea = await queries.IdeaAsync(id, HttpContext.RequestAborted);
        if (await TryInvokeAsync(bus, new ApproveIdea(id, User.SubjectId()!.Value)))
            return Redirect($"/beheer/moderatie?goedgekeurd={Uri.EscapeDataString(idea?.Title ?? "")}");
        await LoadAsync();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public async Task<IActionResult> OnPostRejectAsync([FromForm] Guid id, [FromForm] string? reason)
    {
        var idea = await queries.IdeaAsync(id, HttpContext.RequestAborted);
        if (await TryInvokeAsync(bus, new RejectIdea(id, User.SubjectId()!.Value, reason ?? "")))
            return Redirect($"/beheer/moderatie?afgewezen={Uri.EscapeDataString(idea?.Title ?? "")}");
        await LoadAsync();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        Ideas = await queries.IdeasInStateAsync("Submitted", ct);
        foreach (var programId in Ideas.Select(i => i.ProgramId).Distinct())
            if (await queries.ProgramAsync(programId, ct) is { } p) Programs[programId] = p;
    }
}
