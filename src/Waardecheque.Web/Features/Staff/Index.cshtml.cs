using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Staff;

/// <summary><c>/beheer</c>: each staff role to its first page.</summary>
[AllowAnonymous]
public sealed class StaffIndexModel : WcPageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        var result = await HttpContext.AuthenticateAsync(PageAuth.StaffScheme);
        return result.Principal?.Role() switch
        {
            Roles.Admin or Roles.Moderator => Redirect("/beheer/moderatie"),
            Roles.Auditor => Redirect("/beheer/regelingen"),
            _ => Redirect(PageAuth.StaffLogin),
        };
    }
}
