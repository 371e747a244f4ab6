using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Features.Expenses;

public sealed record StoredReceipt(Guid Id, string Sha256Hex)
{
    /// <summary>What an expense event records: the file's id and its SHA-256, so the event log proves which file it was.</summary>
    public string Reference => $"receipt:{Id}:sha256:{Sha256Hex}";
}

public sealed record ReceiptFile(Guid Id, string ContentType, byte[] Bytes, string Sha256Hex, string? FileName);

/// <summary>
/// Receipt files of expenses, in table <c>receipts(id, content_type, bytes, sha256)</c>. Small (at most
/// <see cref="MaxBytes"/>) and few (one per expense), so PostgreSQL holds them; a file store would be the next step.
/// Only PDF, JPEG and PNG are taken, and only when the bytes really start like one.
/// </summary>
public sealed class Receipts(NpgsqlDataSource db, DbSchema schema, TimeProvider time)
{
    public const long MaxBytes = 8 * 1024 * 1024;

    /// <summary>The multipart body of an expense: the receipt plus a little room for the other fields.</summary>
    public const long MaxRequestBytes = MaxBytes + 64 * 1024;

    private readonly string _table = schema.Table("receipts");

    /// <summary>What a receipt may be, and so what <c>GET /expenses/{id}/receipt</c> answers with.</summary>
    public static readonly string[] MediaTypes = ["application/pdf", "image/jpeg", "image/png"];

    /// <summary>The content type these bytes really are (by their first bytes), or null when they are none we take.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x25, 0x50, 0x44, 0x46, 0x2D, ..] => "application/pdf",                           // %PDF-
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        _ => null,
    };

    public async Task<StoredReceipt> SaveAsync(string contentType, byte[] bytes, string? fileName, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var sha = SHA256.HashData(bytes);
        await using var cmd = db.CreateCommand(
            $"insert into {_table} (id, content_type, bytes, sha256, file_name, created) values ($1, $2, $3, $4, $5, $6)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = contentType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = bytes, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sha, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)fileName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await cmd.ExecuteNonQueryAsync(ct);
        return new StoredReceipt(id, Convert.ToHexStringLower(sha));
    }

    public async Task<ReceiptFile?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select content_type, bytes, sha256, file_name from {_table} where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new ReceiptFile(id, r.GetString(0), r.GetFieldValue<byte[]>(1), Convert.ToHexStringLower(r.GetFieldValue<byte[]>(2)),
            r.IsDBNull(3) ? null : r.GetString(3));
    }

    /// <summary>Removes a receipt whose expense was refused, so no orphan file stays behind.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"delete from {_table} where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The uploader's file name without a path or odd characters, or null (it is only shown on download).</summary>
    public static string? SafeFileName(string? name)
    {
        var plain = Path.GetFileName(name ?? "");
        plain = new string(plain.Where(ch => char.IsLetterOrDigit(ch) || ch is '.' or '-' or '_' or ' ').ToArray()).Trim();
        return plain.Length is > 0 and <= 120 ? plain : null;
    }

    /// <summary>The receipt id inside a reference written by <see cref="StoredReceipt.Reference"/>.</summary>
    public static Guid? IdOf(string reference)
    {
        var parts = reference.Split(':');
        return parts is ["receipt", var id, ..] && Guid.TryParse(id, out var g) ? g : null;
    }
}
