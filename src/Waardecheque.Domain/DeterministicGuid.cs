using System.Security.Cryptography;
using System.Text;

namespace Waardecheque.Domain;

/// <summary>
/// Name-based ids (RFC 9562 version 8, SHA-256): the same namespace and name always give the same id. Handlers
/// stay pure and a rerun (an import, an issue run) cannot create the same household or cheque twice.
/// </summary>
public static class DeterministicGuid
{
    public static Guid Create(Guid @namespace, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        @namespace.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        var hash = SHA256.HashData(input);
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);   // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);   // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
