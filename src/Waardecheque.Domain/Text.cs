namespace Waardecheque.Domain;

/// <summary>
/// The rule book's "Text and numbers from outside", for text: whatever a person typed is trimmed Unicode without
/// control characters (U+0000..U+001F and U+007F..U+009F) and without broken UTF-16 (a surrogate without its partner),
/// within its length limit. A long text (<see cref="TextKind.Long"/>: descriptions, reasons) may span lines: CR, LF and
/// CRLF are allowed there and stored as LF, because a browser's textarea sends CRLF. Tabs are control characters like
/// the rest: the rule book allows only newlines. Lengths are counted after trimming, in UTF-16 code units (what
/// <c>maxlength</c> on a form counts).
/// </summary>
/// <remarks>
/// This is the one place the rule lives: every command's Validate and every query filter of the API goes through it,
/// so a NUL (which PostgreSQL refuses in text) or a lone surrogate (which cannot be written as UTF-8) never gets past
/// validation into an event or a query.
/// </remarks>
public static class Text
{
    public const string UnreadableMessage =
        "Dit veld bevat tekens die hier niet kunnen, zoals stuurtekens (tab, NUL) of kapotte tekens. Typ de tekst opnieuw.";

    /// <summary>The stored form: trimmed, and for a long text every line break as LF. Null stays empty.</summary>
    public static string Clean(string? input, TextKind kind = TextKind.Line)
    {
        var s = (input ?? "").Trim();
        return kind == TextKind.Long && s.Contains('\r') ? s.Replace("\r\n", "\n").Replace('\r', '\n') : s;
    }

    /// <summary>True when every character of an already trimmed text may be stored: no control character (a line break only in a long text)
    /// and every surrogate in a proper pair.</summary>
    public static bool IsReadable(string? input, TextKind kind = TextKind.Line)
    {
        var s = input ?? "";
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsControl(c))
            {
                if (kind == TextKind.Long && c is '\n' or '\r') continue;
                return false;
            }
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                return false;
            }
            if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// Why <paramref name="input"/> is no acceptable text of <paramref name="min"/>..<paramref name="max"/>
    /// characters, or null when it is. <paramref name="lengthMessage"/> is the field's own Dutch sentence about its
    /// length (and, with <paramref name="min"/> above 0, about leaving it empty).
    /// </summary>
    public static string? Problem(string? input, int min, int max, string lengthMessage, TextKind kind = TextKind.Line)
    {
        // Trimmed first, as stored: a trailing tab or newline is whitespace that trimming removes, not a refusal.
        var clean = Clean(input, kind);
        if (!IsReadable(clean, kind)) return UnreadableMessage;
        return clean.Length < min || clean.Length > max ? lengthMessage : null;
    }
}

/// <summary>A single line (names, titles, payees, references, filters) or a text that may span lines (descriptions, reasons).</summary>
public enum TextKind { Line, Long }
