using Microsoft.AspNetCore.Authorization;

using Waardecheque.Web.Auth;

namespace Waardecheque.Web.Pages;

/// <summary>A page behind the resident's cookie: the signed-in cheque, loaded fresh from rm_cheques.</summary>
[Authorize(Policy = PageAuth.ResidentPolicy)]
public abstract class ResidentPage(PageQueries queries) : WcPageModel
{
    protected PageQueries Queries => queries;

    public ChequeView Cheque { get; protected set; } = null!;

    public Guid ChequeId => User.ChequeId() ?? throw new InvalidOperationException("No resident session.");

    protected async Task<bool> LoadChequeAsync()
    {
        var cheque = await queries.ChequeAsync(ChequeId, HttpContext.RequestAborted);
        if (cheque is null) return false;
        Cheque = cheque;
        return true;
    }

    public string ScopeText(IdeaView idea) => idea.Scope.Kind == Waardecheque.Domain.Ideas.ScopeKind.Street
        ? T.F("idea.scope.Street", idea.Scope.Street ?? "")
        : T.F("idea.scope.Buurt", Cheque.Program.BuurtName(idea.Scope.BuurtCode));
}
