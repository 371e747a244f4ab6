using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.WalkIn;

/// <summary>
/// <c>/beheer/inloop/inleg/{id}</c>: where Stripe Checkout sends a top-up started at the walk-in point back to (the
/// resident's <c>/inleg/{id}</c> needs the resident's cookie, which the desk's browser does not have). It shows what the
/// resident's return page shows, through the same partial, and leads back to the walk-in page. It only READS the top-up:
/// money counts when Stripe's webhook says it is paid, never because someone opened this address. Staff may look at
/// any top-up, as over the API (<c>GET /topups/{id}</c>).
/// </summary>
[Authorize(Policy = PageAuth.ModeratorPolicy)]
public sealed class WalkInTopUpModel(TopUpService topUps) : WcPageModel
{
    /// <summary>This page's address without the top-up id: the walk-in top-up's return URLs point here.</summary>
    public const string PagePath = "/beheer/inloop/inleg";

    public TopUpOutcome? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? uitkomst)
    {
        var topUp = await topUps.GetAsync(id, HttpContext.RequestAborted);
        Outcome = topUp is null ? null
            : TopUpOutcome.Of(topUp, $"{PagePath}/{id}", uitkomst, new TopUpLink("/beheer/inloop", T["walkin.topup.return.back"]));
        Response.Headers.CacheControl = "no-store";
        if (Outcome is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
