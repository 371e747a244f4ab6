using Microsoft.AspNetCore.Authorization;

namespace Waardecheque.Web.Auth;

/// <summary>The roles of API.md. Staff roles are stored in <c>staff.role</c>; a resident is a cheque's holder.</summary>
public static class Roles
{
    public const string Admin = "admin";         // gemeente
    public const string Moderator = "moderator"; // buurtverbinder
    public const string Auditor = "auditor";     // controller, read-only
    public const string Resident = "resident";   // bewoner, signed in with a cheque code

    public static readonly IReadOnlyList<string> Staff = [Admin, Moderator, Auditor];

    public static bool IsStaffRole(string? role) => role is Admin or Moderator or Auditor;
}

/// <summary>
/// Authorization policies by name: <c>.RequireAuthorization(Policies.Moderator)</c>. Admin may do everything a
/// moderator or auditor may; a resident may never do staff work.
/// </summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Moderator = "moderator"; // moderator or admin
    public const string Auditor = "auditor";     // auditor or admin
    public const string Staff = "staff";         // any staff role
    public const string Resident = "resident";   // a resident's session

    internal static AuthorizationBuilder AddWaardechequePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Admin, p => p.RequireRole(Roles.Admin))
        .AddPolicy(Moderator, p => p.RequireRole(Roles.Moderator, Roles.Admin))
        .AddPolicy(Auditor, p => p.RequireRole(Roles.Auditor, Roles.Admin))
        .AddPolicy(Staff, p => p.RequireRole(Roles.Admin, Roles.Moderator, Roles.Auditor))
        .AddPolicy(Resident, p => p.RequireRole(Roles.Resident));
}
