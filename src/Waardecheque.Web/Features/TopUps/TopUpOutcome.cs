namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// How a top-up stands on a return page, for the shared partial <c>Shared/_TopUpOutcome.cshtml</c>: the resident's
/// <c>/inleg/{id}</c> and the walk-in point's <c>/beheer/inloop/inleg/{id}</c> read the same <see cref="TopUpView"/> and
/// say the same, so the two can never tell a payer different things. Each page adds its own way back
/// (<see cref="Links"/>): the idea and Mijn cheque for a resident, the walk-in page for a connector.
/// </summary>
/// <param name="Cancelled">The payer came back through Stripe's cancel button and the top-up is still unpaid.</param>
/// <param name="RefreshUrl">The same page again, for "Opnieuw kijken" (the outcome kept, Stripe's session id left out).</param>
public sealed record TopUpOutcome(TopUpView TopUp, bool Cancelled, string RefreshUrl, IReadOnlyList<TopUpLink> Links)
{
    /// <param name="pagePath">The return page's own address, without its query.</param>
    /// <param name="uitkomst">What the return address says: <c>betaald</c> (success_url), <c>geannuleerd</c> (cancel_url).</param>
    public static TopUpOutcome Of(TopUpView topUp, string pagePath, string? uitkomst, params TopUpLink[] links) => new(topUp,
        uitkomst == "geannuleerd" && topUp.State == TopUpStates.Pending,
        pagePath + (uitkomst is "betaald" or "geannuleerd" ? $"?uitkomst={uitkomst}" : ""),
        links);
}

public sealed record TopUpLink(string Href, string Text);

/// <summary>
/// The hidden idempotency key of a top-up form (the idea page's and the walk-in page's): new for every form shown, kept
/// when the same form comes back with an error, so that pressing the button twice starts one top-up, not two.
/// </summary>
public static class TopUpFormKey
{
    public static string New() => "page-" + Guid.NewGuid().ToString("N");

    /// <summary>A key as this app's forms make them; anything else (an old page, a hand-made post) gets a new one.</summary>
    public static bool IsUsable(string? key) =>
        key is { Length: >= 8 and <= 100 } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
