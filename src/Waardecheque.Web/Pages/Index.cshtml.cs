using Waardecheque.Web.PagesSupport;

namespace Waardecheque.Web.Pages;

public sealed class IndexModel : WcPageModel
{
    public void OnGet() { }
}
