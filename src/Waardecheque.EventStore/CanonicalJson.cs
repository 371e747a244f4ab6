using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Waardecheque.EventStore;

/// <summary>
/// One fixed spelling of a JSON value, so the hash of an event body does not depend on who wrote the text.
/// PostgreSQL's jsonb reorders keys, drops whitespace and rewrites numbers (1E2 becomes 100), so neither the text
/// the app sent nor the text jsonb returns is stable; this form is the same for both: keys sorted by UTF-16 code
/// units (as RFC 8785), no whitespace, strings with minimal escapes, numbers reduced to their exact value.
/// </summary>
public static class CanonicalJson
{
    public static byte[] FromUtf8(ReadOnlySpan<byte> json)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        Write(json, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(ReadOnlySpan<byte> json, ArrayBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read()) throw new JsonException("Empty JSON.");
        WriteValue(ref reader, output);
    }

    private static void WriteValue(ref Utf8JsonReader reader, ArrayBufferWriter<byte> output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject: WriteObject(ref reader, output); break;
            case JsonTokenType.StartArray:
                Put(output, (byte)'[');
                var first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first) Put(output, (byte)',');
                    first = false;
                    WriteValue(ref reader, output);
                }
                Put(output, (byte)']');
                break;
            // Unescaped string content is already canonical: raw JSON cannot hold '"', '\\' or control characters.
            case JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence:
                Put(output, (byte)'"');
                output.Write(reader.ValueSpan);
                Put(output, (byte)'"');
                break;
            case JsonTokenType.String: WriteString(reader.GetString()!, output); break;
            case JsonTokenType.Number: WriteNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, output); break;
            case JsonTokenType.True: output.Write("true"u8); break;
            case JsonTokenType.False: output.Write("false"u8); break;
            case JsonTokenType.Null: output.Write("null"u8); break;
            default: throw new JsonException($"Unexpected token {reader.TokenType}.");
        }
    }

    // Scratch buffers per nesting depth, reused across calls on the same thread: canonicalising is on the hot path of
    // every append and of the integrity check.
    [ThreadStatic] private static List<(ArrayBufferWriter<byte> Buffer, List<(string Key, int Start, int Length)> Members)>? _scratch;
    [ThreadStatic] private static int _depth;

    private static void WriteObject(ref Utf8JsonReader reader, ArrayBufferWriter<byte> output)
    {
        _scratch ??= [];
        if (_scratch.Count <= _depth) _scratch.Add((new ArrayBufferWriter<byte>(512), []));
        var (scratch, members) = _scratch[_depth++];
        scratch.ResetWrittenCount();
        members.Clear();
        try
        {
            // Members are canonicalised into the scratch buffer, then copied out in key order.
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                reader.Read();
                var start = scratch.WrittenCount;
                WriteValue(ref reader, scratch);
                // jsonb keeps the last of duplicate keys; so do we.
                var existing = members.FindIndex(m => m.Key == key);
                if (existing >= 0) members.RemoveAt(existing);
                members.Add((key, start, scratch.WrittenCount - start));
            }
            members.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            Put(output, (byte)'{');
            for (var i = 0; i < members.Count; i++)
            {
                if (i > 0) Put(output, (byte)',');
                WriteString(members[i].Key, output);
                Put(output, (byte)':');
                output.Write(scratch.WrittenSpan.Slice(members[i].Start, members[i].Length));
            }
            Put(output, (byte)'}');
        }
        finally
        {
            _depth--;
        }
    }

    private static void WriteString(string value, ArrayBufferWriter<byte> output)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
        var text = sb.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>
    /// The exact decimal value, spelled one way: sign, digits without leading or trailing zeros, and either a plain
    /// integer, a plain decimal fraction or (for very large or small exponents) "digits e exponent".
    /// </summary>
    internal static void WriteNumber(ReadOnlySpan<byte> raw, ArrayBufferWriter<byte> output)
    {
        if (IsPlainInteger(raw)) output.Write(raw);
        else output.Write(Encoding.ASCII.GetBytes(NormalizeNumber(Encoding.ASCII.GetString(raw))));
    }

    /// <summary>
    /// "0", or up to 40 digits without a leading zero after an optional minus (not "-0"): <see cref="NormalizeNumber"/>
    /// would spell these exactly as they are, so they skip it.
    /// </summary>
    private static bool IsPlainInteger(ReadOnlySpan<byte> raw)
    {
        var digits = raw.Length > 0 && raw[0] == (byte)'-' ? raw[1..] : raw;
        if (digits.Length is 0 or > 40 || (digits[0] == (byte)'0' && (digits.Length > 1 || digits.Length != raw.Length))) return false;
        foreach (var b in digits) if (b is < (byte)'0' or > (byte)'9') return false;
        return true;
    }

    internal static string NormalizeNumber(string raw)
    {
        var negative = raw.StartsWith('-');
        var body = negative ? raw[1..] : raw;
        var exponentAt = body.IndexOfAny(['e', 'E']);
        var exponent = exponentAt >= 0 ? long.Parse(body[(exponentAt + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var mantissa = exponentAt >= 0 ? body[..exponentAt] : body;
        var point = mantissa.IndexOf('.');
        var digits = point >= 0 ? mantissa[..point] + mantissa[(point + 1)..] : mantissa;
        if (point >= 0) exponent -= mantissa.Length - point - 1;

        digits = digits.TrimStart('0');
        if (digits.Length == 0) return "0";
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        digits = trimmed;

        var sign = negative ? "-" : "";
        if (exponent >= 0 && exponent <= 40) return sign + digits + new string('0', (int)exponent);
        if (exponent < 0 && exponent >= -40)
        {
            var fraction = (int)-exponent;
            return digits.Length > fraction
                ? sign + digits[..^fraction] + "." + digits[^fraction..]
                : sign + "0." + new string('0', fraction - digits.Length) + digits;
        }
        return sign + digits + "e" + exponent.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Put(ArrayBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
