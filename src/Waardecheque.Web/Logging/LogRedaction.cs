using System.Text.RegularExpressions;

namespace Waardecheque.Web.Logging;

/// <summary>
/// Removes cheque codes from anything that is about to be logged. A code is the key to a household's credit, and
/// logs are read by more people and kept longer than the database, so a code must never reach them: not in a
/// <c>/c/{code}</c> path, not typed into a message, not in an exception's text.
/// </summary>
public static partial class LogRedaction
{
    public const string Mask = "***";

    public static string Redact(string text) =>
        text.Length < 3 ? text : CodeShape().Replace(ChequePath().Replace(text, "/c/" + Mask), Mask);

    /// <summary>Path only: query strings can carry secrets too, so callers log the path and never the query.</summary>
    public static string RedactPath(string path) => Redact(path);

    // The QR URL's last segment, whatever it holds (a mistyped code is nearly a code).
    [GeneratedRegex(@"/c/[^/?#\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChequePath();

    // A text code as printed (DOMAIN.md): three groups of four and a check character, e.g. K7QM-3XRP-9T2C-W.
    [GeneratedRegex(@"(?<![0-9A-Za-z-])[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z*~$=](?![0-9A-Za-z-])",
        RegexOptions.CultureInvariant)]
    private static partial Regex CodeShape();
}
