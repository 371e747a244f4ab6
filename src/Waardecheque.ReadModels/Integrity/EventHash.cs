using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Waardecheque.ReadModels.Integrity;

/// <summary>
/// The tamper-evident chain (DOMAIN.md, "Tamper evidence"). An event's hash is SHA-256 over
///   stream id (16 bytes, RFC 4122 byte order as PostgreSQL sends a uuid)
///   version (8 bytes, big-endian)
///   type alias (4-byte big-endian length, then UTF-8)
///   body (4-byte big-endian length, then the UTF-8 of <c>data::text</c>: jsonb's own, canonical text form)
///   previous hash in the stream (32 bytes; zeros for version 1).
/// Lengths are prefixed so that no two different events can spell the same input. PostgreSQL computes the same in the
/// trigger of <see cref="HashChainSql"/>; this is the independent recomputation the verifier and exporters use.
/// </summary>
public static class EventHash
{
    public const int Size = 32;
    public static readonly byte[] Genesis = new byte[Size];

    /// <summary>The hash of an event whose body is given as jsonb's text form (<c>select data::text</c>).</summary>
    public static byte[] Compute(Guid streamId, long version, string typeAlias, string jsonbText, ReadOnlySpan<byte> previous) =>
        FromCanonicalBody(streamId, version, typeAlias, Encoding.UTF8.GetBytes(jsonbText), previous);

    /// <summary>The hash when the body is already in canonical form (UTF-8 of jsonb's text).</summary>
    public static byte[] FromCanonicalBody(Guid streamId, long version, string typeAlias, ReadOnlySpan<byte> canonicalBody,
        ReadOnlySpan<byte> previous)
    {
        if (previous.Length != Size) throw new ArgumentException("The previous hash must be 32 bytes.", nameof(previous));
        var aliasLength = Encoding.UTF8.GetByteCount(typeAlias);
        var total = 16 + 8 + 4 + aliasLength + 4 + canonicalBody.Length + Size;
        var rented = total > 2048 ? ArrayPool<byte>.Shared.Rent(total) : null;
        try
        {
            Span<byte> input = rented is null ? stackalloc byte[2048] : rented;
            input = input[..total];
            streamId.TryWriteBytes(input, bigEndian: true, out _);
            BinaryPrimitives.WriteInt64BigEndian(input[16..], version);
            var at = 24;
            BinaryPrimitives.WriteInt32BigEndian(input[at..], aliasLength);
            at += 4 + Encoding.UTF8.GetBytes(typeAlias, input[(at + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(input[at..], canonicalBody.Length);
            at += 4;
            canonicalBody.CopyTo(input[at..]);
            at += canonicalBody.Length;
            previous.CopyTo(input[at..]);
            return SHA256.HashData(input);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The value a municipality publishes: SHA-256 over every stream head (id 16 bytes, version 8 bytes big-endian,
    /// hash 32 bytes) ordered by stream id as PostgreSQL orders uuids (byte by byte).
    /// </summary>
    public static string Checkpoint(IEnumerable<(Guid StreamId, long Version, byte[] Hash)> heads)
    {
        var sorted = heads.Select(h => (Key: UuidKey.From(h.StreamId), h.StreamId, h.Version, h.Hash)).ToArray();
        Array.Sort(sorted, (a, b) => a.Key.CompareTo(b.Key));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> row = stackalloc byte[24];
        foreach (var h in sorted)
        {
            h.StreamId.TryWriteBytes(row, bigEndian: true, out _);
            BinaryPrimitives.WriteInt64BigEndian(row[16..], h.Version);
            sha.AppendData(row);
            sha.AppendData(h.Hash);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>A uuid as two big-endian halves, so comparing keys orders uuids exactly as PostgreSQL does.</summary>
internal readonly record struct UuidKey(ulong High, ulong Low) : IComparable<UuidKey>
{
    public static UuidKey From(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return new UuidKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    public int CompareTo(UuidKey other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
}
