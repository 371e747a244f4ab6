using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.Residents;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Pledging;

/// <summary>
/// <c>/ideeen/{id}/verzamelen</c>: the initiator collects neighbours' paper cheques into their open idea, one after
/// another, by camera (jsQR) or by typing the code. Each cheque is pledged as far as the rules allow
/// (<see cref="CollectCheque"/>); whether the initiator may do this, and how much, is the domain's.
/// </summary>
public sealed class CollectModel(StoreHolder holder, IMessageBus bus, ChequeSignIn signIn) : ResidentPage(holder)
{
    public IdeaRow? Idea { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, [FromForm] string? code)
    {
        if (!await LoadAsync(id)) return NotFound();
        if (await signIn.FindForPageAsync(this, code) is not { } chequeId) return Page();
        var household = Cheque.HouseholdId;
        try
        {
            var result = await bus.InvokeCommandAsync(new CollectCheque(id, chequeId, household), new MessageContext(User.Actor()),
                HttpContext.RequestAborted);
            var pledged = result.Appended.Select(e => e.Data).OfType<CreditPledged>().Sum(p => p.AmountCents);
            Notice = T.F("collect.done", T.Euros(pledged));
        }
        catch (Waardecheque.Domain.RuleViolation e)
        {
            Problem = T.Rule(e);
        }
        await LoadAsync(id);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (!await LoadChequeAsync()) return false;
        Idea = await IdeaQueries.GetAsync(Db, id, HttpContext.RequestAborted);
        var household = Cheque.HouseholdId;
        return Idea is not null && Idea.InitiatorHouseholdId == household;
    }
}
