using Microsoft.AspNetCore.Identity;

namespace Waardecheque.Web.Auth;

/// <summary>
/// Staff passwords, hashed by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted,
/// versioned, so a future stronger setting re-hashes old passwords at their next sign-in).
/// </summary>
public sealed class StaffPasswords
{
    // The default hasher never looks at the user object; it only has to be non-null.
    private static readonly object NoUser = new();
    private readonly PasswordHasher<object> _hasher = new();
    private readonly Lazy<string> _decoyHash;

    public StaffPasswords() => _decoyHash = new(() => Hash(Guid.NewGuid().ToString()));

    public string Hash(string password) => _hasher.HashPassword(NoUser, password);

    public PasswordVerificationResult Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(NoUser, hash, password);

    /// <summary>
    /// Does the work of a failed verification for an email that does not exist, so the response time does not
    /// tell an attacker which addresses belong to staff.
    /// </summary>
    public void VerifyDecoy(string password) => _hasher.VerifyHashedPassword(NoUser, _decoyHash.Value, password);
}
