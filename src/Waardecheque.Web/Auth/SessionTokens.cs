using System.Security.Claims;
using Npgsql;
using NpgsqlTypes;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Auth;

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>A live session as found by its token.</summary>
public sealed record SessionPrincipal(string Kind, Guid SubjectId, string Role, DateTimeOffset ExpiresAt)
{
    public string Actor => Kind == SessionKinds.Staff ? $"staff:{SubjectId}" : $"cheque:{SubjectId}";

    public ClaimsPrincipal ToClaimsPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [
            new Claim(ClaimNames.Subject, SubjectId.ToString()),
            new Claim(ClaimNames.Role, Role),
            new Claim(ClaimNames.Kind, Kind),
            new Claim(ClaimNames.Actor, Actor),
        ],
        authenticationType, ClaimNames.Subject, ClaimNames.Role));
}

/// <summary>
/// Bearer sessions for staff and residents, kept in <c>auth_sessions</c> (hashed). Any app process can check any
/// token, so the app stays stateless; revoking is deleting the row.
/// </summary>
public interface ISessionTokens
{
    /// <summary>A staff session of <see cref="SessionLifetimes.Staff"/>.</summary>
    Task<IssuedToken> IssueStaffTokenAsync(Guid staffId, string role, CancellationToken cancellationToken = default);

    /// <summary>A resident session for one cheque, of <see cref="SessionLifetimes.Resident"/>: call after the code was accepted.</summary>
    Task<IssuedToken> IssueResidentTokenAsync(Guid chequeId, CancellationToken cancellationToken = default);

    /// <summary>The session of a token, or null when the token is unknown, malformed, revoked or expired.</summary>
    Task<SessionPrincipal?> FindAsync(string token, CancellationToken cancellationToken = default);

    Task RevokeAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Ends every session of a staff member or a cheque (e.g. when a cheque is blocked or reissued).</summary>
    Task<int> RevokeSubjectAsync(Guid subjectId, CancellationToken cancellationToken = default);
}

public static class SessionLifetimes
{
    public static readonly TimeSpan Staff = TimeSpan.FromHours(12);    // one working day
    public static readonly TimeSpan Resident = TimeSpan.FromDays(30); // a phone stays signed in for the campaign's weeks
}

internal sealed class SessionTokens(NpgsqlDataSource db, DbSchema schema, TimeProvider time) : ISessionTokens
{
    private readonly string _table = schema.Table("auth_sessions");

    public Task<IssuedToken> IssueStaffTokenAsync(Guid staffId, string role, CancellationToken cancellationToken = default)
    {
        if (!Roles.IsStaffRole(role)) throw new ArgumentException($"'{role}' is not a staff role.", nameof(role));
        return IssueAsync(SessionKinds.Staff, staffId, role, SessionLifetimes.Staff, cancellationToken);
    }

    public Task<IssuedToken> IssueResidentTokenAsync(Guid chequeId, CancellationToken cancellationToken = default) =>
        IssueAsync(SessionKinds.Resident, chequeId, Roles.Resident, SessionLifetimes.Resident, cancellationToken);

    public async Task<SessionPrincipal?> FindAsync(string token, CancellationToken cancellationToken = default)
    {
        if (SessionTokenCodec.HashOf(token) is not { } hash) return null;
        await using var command = db.CreateCommand(
            $"select kind, subject_id, role, expires_at from {_table} where token_hash = $1 and expires_at > $2");
        command.Parameters.Add(new NpgsqlParameter { Value = hash, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new SessionPrincipal(reader.GetString(0), reader.GetGuid(1), reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3));
    }

    public async Task RevokeAsync(string token, CancellationToken cancellationToken = default)
    {
        if (SessionTokenCodec.HashOf(token) is not { } hash) return;
        await using var command = db.CreateCommand($"delete from {_table} where token_hash = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = hash, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> RevokeSubjectAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"delete from {_table} where subject_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subjectId });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IssuedToken> IssueAsync(string kind, Guid subjectId, string role, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var (token, hash) = SessionTokenCodec.NewToken();
        var now = time.GetUtcNow();
        var expiresAt = now + lifetime;
        await using var command = db.CreateCommand(
            $"insert into {_table} (token_hash, kind, subject_id, role, created, expires_at) values ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter { Value = hash, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = subjectId });
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = expiresAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new IssuedToken(token, expiresAt);
    }
}
