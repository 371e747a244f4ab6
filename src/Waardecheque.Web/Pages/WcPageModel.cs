using Waardecheque.Web.Auth;
using Wolverine;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Waardecheque.Domain;

namespace Waardecheque.Web.Pages;

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

    protected string? LocalOrNull(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : null;
}
