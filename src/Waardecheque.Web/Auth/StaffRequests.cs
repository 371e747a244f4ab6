using System.Net.Mail;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting.OpenApi.Markers;

namespace Waardecheque.Web.Auth;

[ApiRequest]
public sealed record StaffLoginRequest(string? Email, string? Password);

public sealed record StaffSessionResponse(string Token, [property: ApiEnum("StaffRole", Roles.Admin, Roles.Moderator, Roles.Auditor)] string Role, DateTimeOffset ExpiresAt);

[ApiRequest]
public sealed record AddStaffRequest(string? Email, string? Password, [property: ApiEnum("StaffRole", Roles.Admin, Roles.Moderator, Roles.Auditor)] string? Role);

public sealed record AddStaffResponse(Guid Id);

public sealed record CurrentSessionResponse([property: ApiEnum("SessionKind", SessionKinds.Staff, SessionKinds.Resident)] string Kind, Guid SubjectId,
    [property: ApiEnum("Role", typeof(Roles))] string Role, string Actor);

/// <summary>Field checks for the staff requests: pure, so every message is testable without a server.</summary>
public static class StaffRequestRules
{
    public const int MinPasswordLength = PasswordPolicy.MinLength;
    public const int MaxPasswordLength = PasswordPolicy.MaxLength;

    public static IReadOnlyDictionary<string, string[]> Check(StaffLoginRequest r) => Errors(
        ("email", string.IsNullOrWhiteSpace(r.Email) ? "Vul uw e-mailadres in."
            : r.Email.Length > 254 || !Waardecheque.Domain.Text.IsReadable(r.Email.Trim()) ? "Vul een geldig e-mailadres in." : null),
        ("password", string.IsNullOrEmpty(r.Password) ? "Vul uw wachtwoord in." : null));

    public static IReadOnlyDictionary<string, string[]> Check(AddStaffRequest r) => Errors(
        ("email", IsPlausibleEmail(r.Email) ? null : "Vul een geldig e-mailadres in."),
        ("password", PasswordPolicy.Problem(r.Password, r.Email)),
        ("role", Roles.IsStaffRole(r.Role) ? null : "Kies een rol: admin, moderator of auditor."));

    public static bool IsPlausibleEmail(string? email) =>
        email is { Length: >= 3 and <= 254 } && email == email.Trim() && Waardecheque.Domain.Text.IsReadable(email) && !email.Any(char.IsWhiteSpace)
        && email.Count(c => c == '@') == 1 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
        && parsed.Host.Contains('.');

    public static void ThrowIfAny(this IReadOnlyDictionary<string, string[]> errors, int status = StatusCodes.Status400BadRequest)
    {
        if (errors.Count > 0) throw ApiProblemException.Validation(errors, status: status);
    }

    private static IReadOnlyDictionary<string, string[]> Errors(params (string Field, string? Message)[] checks) =>
        checks.Where(c => c.Message is not null).ToDictionary(c => c.Field, c => new[] { c.Message! });
}
