using Microsoft.AspNetCore.Mvc;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Residents;

/// <summary>
/// <c>/mijn-cheque</c>: credit, what to do next, my pledges and what became of them, my household's own money (top-ups
/// and their refunds, <see cref="TopUpService.OfHouseholdAsync"/>), ideas in my street and buurt.
/// </summary>
public sealed class MyChequeModel(StoreHolder holder, ISessionTokens sessions, TopUpService topUps) : ResidentPage(holder)
{
    public IReadOnlyList<HouseholdPledge> Pledges { get; private set; } = [];
    public IReadOnlyList<IdeaRow> Ideas { get; private set; } = [];
    public IReadOnlyList<TopUpView> TopUps { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        // One round trip for the whole page, not LoadChequeAsync and two more reads.
        if (await MyChequeQuery.ReadAsync(Db, ChequeId, HttpContext.RequestAborted) is not { } page)
        {
            await PageAuth.SignOutAsync(HttpContext, PageAuth.ResidentCookie, sessions);
            return Redirect("/code");
        }
        (Cheque, Program) = (page.Cheque, page.Program);
        Pledges = page.Pledges.Where(p => p.IdeaState is not "Open" || !p.Released).ToList();
        Ideas = page.Ideas;
        // The household's, not only this cheque's: a reissued cheque still shows what was paid with the old one. Read
        // only when there are any, so the page stays one round trip for the many who never top up.
        TopUps = page.HasTopUps ? await topUps.OfHouseholdAsync(page.Cheque.HouseholdId, HttpContext.RequestAborted) : [];
        return Page();
    }
}
