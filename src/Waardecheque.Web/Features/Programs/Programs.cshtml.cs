using Microsoft.AspNetCore.Authorization;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Programs;

[Authorize(Policy = PageAuth.AuditPolicy)]
public sealed class ProgramsModel(StoreHolder holder) : WcPageModel
{
    public IReadOnlyList<ProgramRow> Programs { get; private set; } = [];

    // Without the household counts: the list does not show them, and counting every program's households is not cheap.
    public async Task OnGetAsync() =>
        Programs = await ProgramQueries.ListAsync(holder.Store.DataSource, HttpContext.RequestAborted, withCounts: false);
}
