using System.Reflection;

namespace Waardecheque.Web.Auth;

/// <summary>
/// What a staff password must be: 12 to 200 characters, not (a variation of) a common password, not one repeated
/// pattern or run, and not the email or its local part. The common passwords are the 49,233 of
/// <c>@zxcvbn-ts/language-common</c> 4.1.3 (npm, MIT, Auth/CommonPasswords/LICENSE.txt), embedded as
/// Auth/CommonPasswords/passwords.txt. Pure: every message is testable without a server.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 200;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    /// <summary>Null when the password may be used; otherwise why not, in Dutch, for the staff member who chose it.</summary>
    public static string? Problem(string? password, string? email)
    {
        if (password is not { Length: >= MinLength and <= MaxLength })
            return $"Kies een wachtwoord van {MinLength} tot {MaxLength} tekens.";
        var lower = password.ToLowerInvariant();
        if (email is { Length: > 0 } && (Mentions(lower, email.Trim().ToLowerInvariant()) || Mentions(lower, LocalPart(email))))
            return "Uw wachtwoord mag niet uw e-mailadres (of een deel ervan) zijn.";
        // "Password1234", "Welkom2026!": people make a common word "strong" by adding digits and signs around it.
        var core = lower.Trim("0123456789!@#$%^&*()-_=+.,;:?/\\|'\"`~<>[]{} ".ToCharArray());
        if (Common.Value.Contains(lower) || Common.Value.Contains(core) || core.Length < 4 || lower.Distinct().Count() < 5 || IsRun(lower))
            return "Dit wachtwoord is te makkelijk te raden. Kies bijvoorbeeld een zin van een paar woorden.";
        return null;
    }

    private static string LocalPart(string email) => email.Trim().ToLowerInvariant().Split('@')[0];

    /// <summary>The password is the email or its local part, alone or with a few digits and signs around it.</summary>
    private static bool Mentions(string password, string part) =>
        part.Length >= 3 && password.Contains(part) && password.Length - part.Length <= 6;

    /// <summary>A keyboard-free run such as <c>abcdefghijkl</c> or <c>987654321098</c>: each character one up (or down) from the last.</summary>
    private static bool IsRun(string password)
    {
        var up = 0;
        var down = 0;
        for (var i = 1; i < password.Length; i++)
        {
            var step = password[i] - password[i - 1];
            if (step is 1 or -9) up++;
            if (step is -1 or 9) down++;
        }
        return Math.Max(up, down) >= password.Length - 2;
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Waardecheque.CommonPasswords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) set.Add(line);
        return set;
    }
}
