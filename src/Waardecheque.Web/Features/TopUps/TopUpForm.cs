using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// A top-up form's post (the resident's on the idea page, a connector's at the walk-in point), turned into what the
/// page does next: go to the checkout, or show why not. The pages differ only in who acts and where Stripe sends the
/// payer back; every rule stays the domain's (<see cref="TopUpService.StartAsync"/>).
/// </summary>
public static class TopUpForm
{
    /// <summary>The amount input's id, for the label and the error summary's link; its problem's key in FieldProblems.</summary>
    public const string AmountInput = "topup-amount", AmountProblem = "topUpAmount";

    /// <summary>
    /// Starts the top-up and answers 303 to the checkout (the browser GETs it; nothing counts until Stripe's webhook says
    /// it is paid), or the page with the problem. <paramref name="setKey"/> gets the form's key for the page to show
    /// again: the posted one when usable (a second press is the same top-up), else a new one.
    /// </summary>
    public static async Task<IActionResult> PostAsync(WcPageModel page, TopUpService topUps, Func<CancellationToken, Task<Acting>> who,
        Guid ideaId, string? amount, string? postedKey, Action<string> setKey, Func<Guid, TopUpReturnUrls>? returnUrls = null)
    {
        // A form without a usable key (an old page, a hand-made post) gets a new one: at worst that is a new top-up.
        var key = TopUpFormKey.IsUsable(postedKey) ? postedKey! : TopUpFormKey.New();
        setKey(key);
        if (Format.ParseEuros(amount) is not { } cents) return Problem(page, page.T["topup.badamount"], field: true);
        var ct = page.HttpContext.RequestAborted;
        try
        {
            var started = await topUps.StartAsync(ideaId, cents, await who(ct), key, returnUrls,
                correlationId: page.HttpContext.TraceIdentifier, ct: ct);
            page.Response.Headers.Location = started.CheckoutUrl;
            return new StatusCodeResult(StatusCodes.Status303SeeOther);
        }
        catch (RuleViolation e)
        {
            return Problem(page, page.T.Rule(e), field: e.Code == ErrorCodes.InvalidAmount || e.FieldErrors.Count > 0);
        }
        catch (ApiProblemException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            // The key was used with another amount or idea (back, a change, the same form): a new key for the next press.
            setKey(TopUpFormKey.New());
            return Problem(page, page.T["topup.keyused"], field: true);
        }
        catch (ApiProblemException e) when (e.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // The top-up may be recorded already: the same key on the next press finishes it (the same checkout).
            return Problem(page, page.T["topup.unavailable"], field: false, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IActionResult Problem(WcPageModel page, string message, bool field, int status = StatusCodes.Status422UnprocessableEntity)
    {
        page.Problem = message;
        if (field)
        {
            page.FieldProblems[AmountProblem] = message;
            page.ProblemField = AmountInput;
        }
        page.Response.StatusCode = status;
        return page.Page();
    }
}
