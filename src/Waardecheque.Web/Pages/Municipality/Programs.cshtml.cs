using Waardecheque.Web.PagesSupport;

namespace Waardecheque.Web.Pages.Municipality;

public sealed class ProgramsModel(PageQueries queries) : WcPageModel
{
    public IReadOnlyList<ProgramView> Programs { get; private set; } = [];

    public async Task OnGetAsync() => Programs = await queries.ProgramsAsync(HttpContext.RequestAborted);
}
