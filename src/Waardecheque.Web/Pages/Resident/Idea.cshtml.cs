using Waardecheque.Web.Domain;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;
using Waardecheque.Web.PagesSupport;

namespace Waardecheque.Web.Pages.Resident;

/// <summary>
/// <c>/ideeen/{id}</c>: one idea with its progress; pledge (an amount or everything left) and withdraw. Whether a
/// pledge is allowed is the domain's answer (P1..P8), shown in its own words.
/// </summary>
public sealed class IdeaModel(PageQueries queries, IMessageBus bus) : ResidentPage(queries)
{
    public IdeaView? Idea { get; private set; }
    public long MyPledgeCents { get; private set; }
    public Guid HouseholdId { get; private set; }
    public string? Amount { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, long? gegeven, bool ingetrokken = false, bool ingediend = false)
    {
        if (gegeven is > 0) Notice = T.F("pledge.done", T.Euros(gegeven.Value));
        if (ingetrokken) Notice = T["withdraw.done"];
        if (ingediend) Notice = T["propose.done"];
        return await LoadAsync(id) ? Page() : Redirect("/code");
    }

    public async Task<IActionResult> OnPostPledgeAsync(Guid id, [FromForm] string? amount, [FromForm] bool all)
    {
        if (!await LoadAsync(id)) return Redirect("/code");
        if (Idea is null) return Page();
        Amount = amount;
        long? cents = all ? Cheque.AvailableCents : Format.ParseEuros(amount);
        if (cents is null)
        {
            FieldProblems["amount"] = T["pledge.badamount"];
            Problem = T["pledge.badamount"];
            return Page();
        }
        if (!await TryInvokeAsync(bus, new Pledge(id, ChequeId, cents.Value))) return await ReloadAsync(id);
        return Redirect($"/ideeen/{id}?gegeven={cents.Value}");
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id)
    {
        if (!await LoadAsync(id)) return Redirect("/code");
        if (Idea is null) return Page();
        if (!await TryInvokeAsync(bus, new WithdrawPledges(id, ChequeId))) return await ReloadAsync(id);
        return Redirect($"/ideeen/{id}?ingetrokken=true");
    }

    private async Task<IActionResult> ReloadAsync(Guid id)
    {
        await LoadAsync(id);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (!await LoadChequeAsync()) return false;
        var ct = HttpContext.RequestAborted;
        var idea = await Queries.IdeaAsync(id, ct);
        HouseholdId = await HouseholdAsync(ct);
        // Residents see public ideas of their own street or buurt, and their own proposals in any state.
        var visible = idea is not null && idea.ProgramId == Cheque.ProgramId
            && idea.Scope.Includes(Cheque.Street, Cheque.BuurtCode)
            && (idea.State is "Open" or "Funded" or "Completed" || idea.InitiatorHouseholdId == HouseholdId);
        Idea = visible ? idea : null;
        MyPledgeCents = visible ? await Queries.PledgedByAsync(id, ChequeId, ct) : 0;
        return true;
    }

    private async Task<Guid> HouseholdAsync(CancellationToken ct) => await Queries.HouseholdOfAsync(ChequeId, ct);
}
