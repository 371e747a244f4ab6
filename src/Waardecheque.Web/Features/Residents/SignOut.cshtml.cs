using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Residents;

/// <summary>Ends the resident's session: the token is revoked, not only the cookie dropped.</summary>
public sealed class SignOutModel(ISessionTokens sessions) : WcPageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await PageAuth.SignOutAsync(HttpContext, PageAuth.ResidentCookie, sessions);
        return Redirect("/");
    }
}
