using Microsoft.AspNetCore.Identity;
using Npgsql;
using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting.OpenApi.Markers;


namespace Waardecheque.Web.Auth;

public sealed record StaffMember(Guid Id, string Email, [property: ApiEnum("StaffRole", Roles.Admin, Roles.Moderator, Roles.Auditor)] string Role, DateTimeOffset Created);

/// <summary>The <c>staff</c> table: who may sign in as municipality, connector or auditor.</summary>
public sealed class StaffAccounts(NpgsqlDataSource db, DbSchema schema, StaffPasswords passwords, TimeProvider time)
{
    private readonly string _table = schema.Table("staff");

    /// <summary>Emails are compared case-insensitively by storing them lower-case (no citext extension needed).</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>
    /// The staff member with this email and password, or null. Unknown email and wrong password look the same,
    /// in the answer and in the time it takes.
    /// </summary>
    public async Task<StaffMember?> VerifyAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var (member, hash) = await FindAsync(NormalizeEmail(email), cancellationToken);
        if (member is null || hash is null)
        {
            passwords.VerifyDecoy(password);
            return null;
        }
        switch (passwords.Verify(hash, password))
        {
            case PasswordVerificationResult.Success:
                return member;
            case PasswordVerificationResult.SuccessRehashNeeded:
                await UpdateHashAsync(member.Id, passwords.Hash(password), cancellationToken);
                return member;
            default:
                return null;
        }
    }

    private async Task<(StaffMember? Member, string? Hash)> FindAsync(string email, CancellationToken ct)
    {
        // No account has an unreadable email (the text rule refuses one when staff are added), and PostgreSQL refuses a
        // NUL in a parameter: such an email is simply unknown, from the pages as from the API.
        if (!Waardecheque.Domain.Text.IsReadable(email)) return (null, null);
        await using var command = db.CreateCommand($"select id, email, role, created, password_hash from {_table} where email = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = email });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (Read(reader), reader.GetString(4)) : (null, null);
    }

    /// <summary>Adds a staff member; a second account with the same email is a 409 <c>conflict</c>.</summary>
    public async Task<Guid> CreateAsync(string email, string password, string role, CancellationToken cancellationToken = default)
    {
        if (!Roles.IsStaffRole(role)) throw new ArgumentException($"'{role}' is not a staff role.", nameof(role));
        var id = Guid.CreateVersion7();
        await using var command = db.CreateCommand(
            $"insert into {_table} (id, email, password_hash, role, created) values ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = NormalizeEmail(email) });
        command.Parameters.Add(new NpgsqlParameter { Value = passwords.Hash(password) });
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw ApiProblemException.Conflict("Er is al een medewerker met dit e-mailadres.");
        }
        return id;
    }

    public async Task<IReadOnlyList<StaffMember>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"select id, email, role, created from {_table} order by email");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var members = new List<StaffMember>();
        while (await reader.ReadAsync(cancellationToken)) members.Add(Read(reader));
        return members;
    }

    private async Task UpdateHashAsync(Guid id, string hash, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"update {_table} set password_hash = $2 where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = hash });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static StaffMember Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3));
}
