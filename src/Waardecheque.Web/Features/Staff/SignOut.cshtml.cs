using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Staff;

[AllowAnonymous]
[Authorize(Policy = PageAuth.ModeratorPolicy)]
public sealed class StaffSignOutModel(ISessionTokens sessions) : WcPageModel
{
    public IActionResult OnGet() => Redirect(PageAuth.StaffLogin);

    public async Task<IActionResult> OnPostAsync()
    {
        await PageAuth.SignOutAsync(HttpContext, PageAuth.StaffCookie, sessions);
        return Redirect(PageAuth.StaffLogin);
    }
}
