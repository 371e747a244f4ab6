using Waardecheque.Web.Domain;
using Wolverine;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Waardecheque.Domain;
using Waardecheque.Web.Auth;

namespace Waardecheque.Web.PagesSupport;

/// <summary>What every page model has: its texts, a message to show, and the bus call that turns a rule into a message.</summary>
public abstract class WcPageModel : PageModel
{
    public PageTexts T => HttpContext.T();

    /// <summary>A success line shown once, above the page (after a POST-redirect-GET it comes back as <c>?ok=</c>).</summary>
    public string? Notice { get; set; }

    /// <summary>What went wrong, in plain words (a rule's message or a form problem).</summary>
    public string? Problem { get; set; }

    /// <summary>The id of the input <see cref="Problem"/> is about: the error summary then links to it.</summary>
    public string? ProblemField { get; set; }

    /// <summary>Field errors by input name.</summary>
    public Dictionary<string, string> FieldProblems { get; } = [];

    /// <summary>Runs a command; a broken rule becomes <see cref="Problem"/> (and field problems) and false.</summary>
    protected async Task<bool> TryInvokeAsync(IMessageBus bus, object command, string? actor = null)
    {
        try
        {
            await bus.InvokeCommandAsync(command, new MessageContext(actor ?? User.Actor()), HttpContext.RequestAborted);
            return true;
        }
        catch (RuleViolation e)
        {
            Problem = T.Rule(e);
            foreach (var (field, messages) in e.FieldErrors)
                FieldProblems[field] = T.IsEnglish ? T["rule.validation_failed"] : string.Join(" ", messages);
            return false;
        }
    }

    /// <summary>
    /// A cheque from a code someone typed or scanned for another household (walk-in, collecting paper cheques):
    /// its id, or null with the reason in <see cref="Problem"/> and the code field's problem.
    /// </summary>
    protected async Task<Guid?> FindChequeAsync(ChequeSignIn signIn, string? code)
    {
        CodeResult found;
        try
        {
            found = await signIn.FindAsync(HttpContext, code);
        }
        catch (Errors.ApiProblemException e) when (e.Status == StatusCodes.Status429TooManyRequests)
        {
            Problem = T["code.limited"];
            return null;
        }
        if (found.Outcome == CodeOutcome.Malformed) FieldProblems["code"] = T["code.malformed"];
        else if (found.Outcome == CodeOutcome.Unknown) FieldProblems["code"] = T["code.unknown"];
        if (FieldProblems.TryGetValue("code", out var problem))
        {
            Problem = problem;
            return null;
        }
        return found.ChequeId;
    }

    protected string? LocalOrNull(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : null;
}
