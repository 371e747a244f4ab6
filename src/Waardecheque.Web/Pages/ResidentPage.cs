using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Pages;

/// <summary>A page behind the resident's cookie: the signed-in cheque with its program, loaded fresh from the read models.</summary>
[Authorize(Policy = PageAuth.ResidentPolicy)]
public abstract class ResidentPage(StoreHolder holder) : WcPageModel
{
    protected NpgsqlDataSource Db => holder.Store.DataSource;

    public ChequeRow Cheque { get; protected set; } = null!;

    public ProgramRow Program { get; protected set; } = null!;

    public Guid ChequeId => User.ChequeId() ?? throw new InvalidOperationException("No resident session.");

    protected async Task<bool> LoadChequeAsync()
    {
        if (await ChequeQueries.WithProgramAsync(Db, ChequeId, HttpContext.RequestAborted) is not { } read) return false;
        (Cheque, Program) = read;
        return true;
    }

    public string ScopeText(IdeaRow idea) => idea.Scope.Kind == Waardecheque.Domain.Ideas.ScopeKind.Street
        ? T.F("idea.scope.Street", idea.Scope.Street ?? "")
        : T.F("idea.scope.Buurt", Program.BuurtNameOrCode(idea.Scope.BuurtCode));
}
