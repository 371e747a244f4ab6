using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Residents;

/// <summary>
/// <c>/code</c>: the code typed by hand, and <c>/c/{code}</c> (the QR target, <see cref="CodeLinkModel"/>) share this.
/// On success the resident has a session cookie and lands on <c>/mijn-cheque</c>: the code leaves the address bar.
/// </summary>
public sealed class CodeModel(ChequeSignIn signIn, ISessionTokens sessions) : CodeFormModel(signIn, sessions)
{
    public void OnGet() { }

    public Task<IActionResult> OnPostAsync([FromForm] string? code) => SignInAsync(code, scanned: false);
}

public abstract class CodeFormModel(ChequeSignIn signIn, ISessionTokens sessions) : WcPageModel
{
    /// <summary>What was typed, shown again after a mistake (never a code that worked).</summary>
    public string? Typed { get; set; }

    protected async Task<IActionResult> SignInAsync(string? code, bool scanned)
    {
        CodeResult result;
        try
        {
            result = await signIn.SignInResidentAsync(HttpContext, code, sessions);
        }
        catch (ApiProblemException e) when (e.Status == StatusCodes.Status429TooManyRequests)
        {
            Problem = T["code.limited"];
            return Page();
        }
        switch (result.Outcome)
        {
            case CodeOutcome.SignedIn:
                return Redirect("/mijn-cheque");
            case CodeOutcome.Malformed:
                FieldProblems["code"] = scanned ? T["code.scanfail"] : T["code.malformed"];
                Typed = scanned ? null : code;
                break;
            case CodeOutcome.Unknown:
                FieldProblems["code"] = T["code.unknown"];
                Typed = scanned ? null : code;
                break;
            default:
                Problem = T.IsEnglish ? T["rule.cheque_not_usable"] : result.Message;
                break;
        }
        Response.StatusCode = result.Outcome == CodeOutcome.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
