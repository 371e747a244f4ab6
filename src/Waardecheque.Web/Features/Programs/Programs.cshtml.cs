using Microsoft.AspNetCore.Authorization;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Programs;

[Authorize(Policy = PageAuth.AuditPolicy)]
public sealed class ProgramsModel(PageQueries queries) : WcPageModel
{
    public IReadOnlyList<ProgramView> Programs { get; private set; } = [];

    public async Task OnGetAsync() => Programs = await queries.ProgramsAsync(HttpContext.RequestAborted);
}
