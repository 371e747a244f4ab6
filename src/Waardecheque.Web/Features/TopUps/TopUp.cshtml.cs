using Microsoft.AspNetCore.Mvc;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// <c>/inleg/{id}</c>: where Stripe Checkout sends the resident back (<c>success_url</c> with <c>?uitkomst=betaald</c>,
/// <c>cancel_url</c> with <c>?uitkomst=geannuleerd</c>). It only READS the top-up (<see cref="TopUpService.GetAsync"/>):
/// money counts when Stripe's webhook says it is paid, never because someone opened this address. While the payment
/// is not confirmed yet the page says so and offers "Opnieuw kijken" (the same address again); no script, no
/// automatic reload. Only the household that started the top-up sees it.
/// </summary>
public sealed class TopUpModel(StoreHolder holder, TopUpService topUps) : ResidentPage(holder)
{
    /// <summary>The top-up as the shared partial shows it; null when there is none of this household's.</summary>
    public TopUpOutcome? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? uitkomst)
    {
        if (!await LoadChequeAsync()) return Redirect("/code");
        var ct = HttpContext.RequestAborted;
        var topUp = await topUps.GetAsync(id, ct);
        var household = Cheque.HouseholdId;
        // Another household's top-up is "not found", not "forbidden": nobody learns which ids exist.
        Outcome = topUp is not null && topUp.HouseholdId == household
            ? TopUpOutcome.Of(topUp, $"/inleg/{id}", uitkomst,
                new TopUpLink($"/ideeen/{topUp.IdeaId}", T["topup.return.toidea"]), new TopUpLink("/mijn-cheque", T["idea.back"]))
            : null;
        Response.Headers.CacheControl = "no-store";
        if (Outcome is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
