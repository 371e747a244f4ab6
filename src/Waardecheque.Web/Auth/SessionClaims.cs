using System.Security.Claims;

namespace Waardecheque.Web.Auth;

/// <summary>The claims a session puts on <c>HttpContext.User</c>.</summary>
public static class ClaimNames
{
    public const string Subject = "sub";  // staff id or cheque id
    public const string Role = "role";
    public const string Kind = "kind";    // "staff" | "resident"
    public const string Actor = "actor";  // "staff:<id>" | "cheque:<id>": who acted, for logs and event metadata
}

/// <summary>Readers for the session claims: <c>http.User.Actor()</c>, <c>http.User.ChequeId()</c>.</summary>
public static class SessionClaims
{
    public const string Anonymous = "anonymous";

    public static string Actor(this ClaimsPrincipal user) => user.FindFirst(ClaimNames.Actor)?.Value ?? Anonymous;

    /// <summary>The staff member's or cheque's id; null for an anonymous caller.</summary>
    public static Guid? SubjectId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(ClaimNames.Subject)?.Value, out var id) ? id : null;

    public static string? Role(this ClaimsPrincipal user) => user.FindFirst(ClaimNames.Role)?.Value;

    public static bool IsStaff(this ClaimsPrincipal user) => Roles.IsStaffRole(user.Role());

    /// <summary>The cheque a resident session belongs to; null for staff and anonymous callers.</summary>
    public static Guid? ChequeId(this ClaimsPrincipal user) =>
        user.FindFirst(ClaimNames.Kind)?.Value == SessionKinds.Resident ? user.SubjectId() : null;
}

public static class SessionKinds
{
    public const string Staff = "staff";
    public const string Resident = "resident";
}
