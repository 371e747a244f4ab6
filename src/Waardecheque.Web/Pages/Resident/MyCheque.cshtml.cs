using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Auth;
using Waardecheque.Web.PagesSupport;

namespace Waardecheque.Web.Pages.Resident;

/// <summary><c>/mijn-cheque</c>: credit, what to do next, my pledges and what became of them, ideas in my street and buurt.</summary>
public sealed class MyChequeModel(PageQueries queries, ISessionTokens sessions) : ResidentPage(queries)
{
    public IReadOnlyList<MyPledge> Pledges { get; private set; } = [];
    public IReadOnlyList<IdeaView> Ideas { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        // One round trip for the whole page, not LoadChequeAsync and two more reads.
        if (await Queries.MyChequePageAsync(ChequeId, HttpContext.RequestAborted) is not { } page)
        {
            await PageAuth.SignOutAsync(HttpContext, PageAuth.ResidentCookie, sessions);
            return Redirect("/code");
        }
        Cheque = page.Cheque;
        Pledges = page.Pledges.Where(p => p.IdeaState is not "Open" || !p.Released).ToList();
        Ideas = page.Ideas;
        return Page();
    }
}
