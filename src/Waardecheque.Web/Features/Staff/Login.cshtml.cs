using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Pages;
using Waardecheque.Web.RateLimiting;

namespace Waardecheque.Web.Features.Staff;

/// <summary>Staff sign-in for the pages: the same accounts, limiter and sessions as the API's, in a cookie.</summary>
[AllowAnonymous]
public sealed class LoginModel(StaffAccounts staff, ISessionTokens sessions,
    StaffSignInLimiter limiter) : WcPageModel
{
    public string? Back { get; set; }
    public string? Email { get; set; }
    public bool NoAccess { get; set; }

    public void OnGet(string? terug, bool geenToegang = false)
    {
        Back = LocalOrNull(terug);
        NoAccess = geenToegang;
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? email, [FromForm] string? password, [FromForm] string? terug)
    {
        Back = LocalOrNull(terug);
        Email = email;
        StaffMember? member;
        try
        {
            // An empty field is no guess at a password: it is refused without counting.
            member = string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)
                ? null : await limiter.SignInAsync(HttpContext, email, c => staff.VerifyAsync(email, password, c));
        }
        catch (ApiProblemException e) when (e.Status == StatusCodes.Status429TooManyRequests)
        {
            Problem = T["staff.login.limited"];
            Response.StatusCode = e.Status;
            return Page();
        }
        if (member is null)
        {
            Problem = T["staff.login.wrong"];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        PageAuth.SignInStaff(HttpContext, await sessions.IssueStaffTokenAsync(member.Id, member.Role, HttpContext.RequestAborted));
        return Redirect(Back ?? (member.Role == Roles.Auditor ? "/beheer/regelingen" : "/beheer/moderatie"));
    }
}
