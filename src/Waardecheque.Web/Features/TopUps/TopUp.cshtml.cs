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
    public TopUpView? TopUp { get; private set; }

    /// <summary>The resident came back through the cancel button (and the top-up is still unpaid).</summary>
    public bool Cancelled { get; private set; }

    /// <summary>This page again, for "Opnieuw kijken" (the outcome kept, Stripe's session id left out).</summary>
    public string RefreshUrl { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, string? uitkomst)
    {
        if (!await LoadChequeAsync()) return Redirect("/code");
        var ct = HttpContext.RequestAborted;
        var topUp = await topUps.GetAsync(id, ct);
        var household = await ChequeQueries.HouseholdOfAsync(Db, ChequeId, ct);
        // Another household's top-up is "not found", not "forbidden": nobody learns which ids exist.
        TopUp = topUp is not null && topUp.HouseholdId == household ? topUp : null;
        Cancelled = uitkomst == "geannuleerd" && TopUp?.State == TopUpStates.Pending;
        RefreshUrl = $"/inleg/{id}" + (uitkomst is "betaald" or "geannuleerd" ? $"?uitkomst={uitkomst}" : "");
        Response.Headers.CacheControl = "no-store";
        if (TopUp is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
