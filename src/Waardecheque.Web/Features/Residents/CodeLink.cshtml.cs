using Waardecheque.Web.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Waardecheque.Web.Features.Residents;

/// <summary>
/// The QR code's target <c>/c/{code}</c>. It activates the cheque on the first visit (the domain's ActivateCheque),
/// sets the resident's session cookie and redirects to <c>/mijn-cheque</c>, so the code is not left in the address
/// bar or history entry the resident keeps using, and (with Referrer-Policy: no-referrer) never sent to anyone.
/// The request log redacts <c>/c/…</c>.
/// </summary>
public sealed class CodeLinkModel(ChequeSignIn signIn, ISessionTokens sessions) : CodeFormModel(signIn, sessions)
{
    public Task<IActionResult> OnGetAsync(string code) => SignInAsync(code, scanned: true);
}
