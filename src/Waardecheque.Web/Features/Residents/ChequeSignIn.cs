using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Pages;
using Waardecheque.Web.RateLimiting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Residents;

/// <summary>What became of a typed or scanned code.</summary>
public enum CodeOutcome { SignedIn, Malformed, Unknown, NotUsable }

public sealed record CodeResult(CodeOutcome Outcome, Guid? ChequeId = null, string? Message = null);

/// <summary>
/// A code from the letter (QR or typed) to a cheque: the check character first (no lookup, no rate-limit cost for a
/// typo), then the keyed lookup (a miss counts as a failed attempt), then ActivateCheque through the bus (a no-op
/// after the first time; a blocked or replaced cheque says why in the domain's words).
/// </summary>
public sealed class ChequeSignIn(StoreHolder holder, IWolverineRuntime wolverine, ICodeAttemptLimiter limiter, CodeKey key)
{
    /// <summary>
    /// A cheque from a code someone typed or scanned for another household (walk-in, collecting paper cheques): its id,
    /// or null with the reason in the page's <see cref="WcPageModel.Problem"/> and the code field's problem.
    /// </summary>
    public async Task<Guid?> FindForPageAsync(WcPageModel page, string? code)
    {
        CodeResult found;
        try
        {
            found = await FindAsync(page.HttpContext, code);
        }
        catch (ApiProblemException e) when (e.Status == StatusCodes.Status429TooManyRequests)
        {
            page.Problem = page.T["code.limited"];
            return null;
        }
        if (found.Outcome == CodeOutcome.Malformed) page.FieldProblems["code"] = page.T["code.malformed"];
        else if (found.Outcome == CodeOutcome.Unknown) page.FieldProblems["code"] = page.T["code.unknown"];
        if (page.FieldProblems.TryGetValue("code", out var problem))
        {
            page.Problem = problem;
            return null;
        }
        return found.ChequeId;
    }

    /// <summary>Finds the cheque of a code; for residents and for a connector at the walk-in point.</summary>
    public async Task<CodeResult> FindAsync(HttpContext http, string? input)
    {
        if (!ChequeCode.TryParse(input, out var code)) return new CodeResult(CodeOutcome.Malformed);
        if (await limiter.GuessAsync(http, c => LookUpAsync(code, c)) is not Guid id) return new CodeResult(CodeOutcome.Unknown);
        return new CodeResult(CodeOutcome.SignedIn, id);
    }

    /// <summary>The cheque id (boxed: null is a failed guess to the limiter).</summary>
    private async Task<object?> LookUpAsync(ChequeCode code, CancellationToken ct) =>
        await ChequeQueries.IdByCodeLookupAsync(holder.Store.DataSource, key.Lookup.Of(code), ct);

    /// <summary>Activates (first time) and returns the cheque id; <paramref name="staffId"/> when a connector acts on behalf.</summary>
    public async Task<CodeResult> ActivateAsync(HttpContext http, Guid chequeId, Guid? staffId, string actor)
    {
        try
        {
            await new MessageBus(wolverine).InvokeCommandAsync(new ActivateCheque(chequeId, staffId), new MessageContext(actor), http.RequestAborted);
            return new CodeResult(CodeOutcome.SignedIn, chequeId);
        }
        catch (RuleViolation e)
        {
            return new CodeResult(CodeOutcome.NotUsable, chequeId, e.Message);
        }
    }

    /// <summary>The resident's own sign-in: find, activate, issue the session cookie.</summary>
    public async Task<CodeResult> SignInResidentAsync(HttpContext http, string? input, ISessionTokens sessions)
    {
        var found = await FindAsync(http, input);
        if (found.Outcome != CodeOutcome.SignedIn) return found;
        var id = found.ChequeId!.Value;
        var activated = await ActivateAsync(http, id, null, $"cheque:{id}");
        if (activated.Outcome != CodeOutcome.SignedIn) return activated;
        PageAuth.SignInResident(http, await sessions.IssueResidentTokenAsync(id, http.RequestAborted));
        return activated;
    }
}
