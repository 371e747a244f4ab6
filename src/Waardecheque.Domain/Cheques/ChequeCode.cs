using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Waardecheque.Domain.Cheques;

/// <summary>
/// The secret on the letter: 12 Crockford base32 characters (60 bits) plus one check character from the same 32,
/// printed as <c>K7QM-3XRP-9T2C-W</c>. The check character (DOMAIN.md, "Cheque") catches every single typo and every
/// swap of two neighbouring characters before any lookup, so a typo is answered with <c>invalid_code</c> and never
/// costs a rate-limited guess. The code itself is never stored: only <see cref="CodeLookup"/>'s keyed value is.
/// </summary>
public readonly record struct ChequeCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int DataLength = 12;

    /// <summary>The 13 canonical characters, without dashes.</summary>
    public string Normalised { get; }

    private ChequeCode(string normalised) => Normalised = normalised;

    /// <summary>
    /// The code of a cheque, recomputable from the server key at any time: letters can be reprinted without storing
    /// the code. HMAC-SHA256(key, cheque id in RFC byte order), first 60 bits.
    /// </summary>
    public static ChequeCode Derive(byte[] serverKey, Guid chequeId)
    {
        Span<byte> id = stackalloc byte[16];
        chequeId.TryWriteBytes(id, bigEndian: true, out _);
        var mac = HMACSHA256.HashData(serverKey, id);
        return FromValue(BinaryPrimitives.ReadUInt64BigEndian(mac) >> 4);
    }

    /// <summary>A code for a 60-bit value (the top four bits of <paramref name="value"/> must be zero).</summary>
    public static ChequeCode FromValue(ulong value)
    {
        if (value >> 60 != 0) throw new ArgumentOutOfRangeException(nameof(value), "A cheque code holds 60 bits.");
        var chars = new char[DataLength + 1];
        for (var i = DataLength - 1; i >= 0; i--) chars[i] = Alphabet[(int)((value >> (5 * (DataLength - 1 - i))) & 31)];
        chars[DataLength] = Alphabet[CheckDigit.Of(chars.AsSpan(0, DataLength))];
        return new ChequeCode(new string(chars));
    }

    /// <summary>
    /// Reads what a resident typed or scanned: any case, dashes and spaces, Crockford's look-alikes (O is 0, I and
    /// L are 1), or the QR URL whose last path segment is the code. False when the shape or the check character is wrong.
    /// </summary>
    public static bool TryParse(string? input, out ChequeCode code)
    {
        code = default;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 2048) return false;
        var s = LastPathSegment(input.Trim());

        var canonical = new StringBuilder(DataLength + 1);
        foreach (var raw in s)
        {
            if (raw is '-' or ' ' or '\t') continue;
            var c = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var x => x };
            canonical.Append(c);
        }
        if (canonical.Length != DataLength + 1) return false;

        var normalised = canonical.ToString();
        if (normalised.Any(c => Alphabet.IndexOf(c) < 0) || !CheckDigit.Holds(normalised)) return false;
        code = new ChequeCode(normalised);
        return true;
    }

    /// <summary>Parses or throws <c>invalid_code</c>.</summary>
    public static ChequeCode Parse(string? input) =>
        TryParse(input, out var code) ? code
            : throw new RuleViolation(ErrorCodes.InvalidCode, "Deze code klopt niet. Kijk of je hem goed hebt overgetypt.");

    /// <summary>As printed: three groups of four, then the check character.</summary>
    public override string ToString() => Normalised is null ? "" :
        $"{Normalised[..4]}-{Normalised[4..8]}-{Normalised[8..12]}-{Normalised[12]}";

    private static string LastPathSegment(string s)
    {
        if (!s.Contains('/')) return s;
        var cut = s.IndexOfAny(['?', '#']);
        if (cut >= 0) s = s[..cut];
        var segment = s.TrimEnd('/');
        segment = segment[(segment.LastIndexOf('/') + 1)..];
        return Uri.UnescapeDataString(segment);
    }
}
