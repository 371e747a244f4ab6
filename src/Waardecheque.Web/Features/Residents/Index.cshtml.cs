using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Residents;

public sealed class IndexModel : WcPageModel
{
    public void OnGet() { }
}
