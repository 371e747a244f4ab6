using Npgsql;
using Waardecheque.Web.Database;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Auth;

/// <summary>
/// The first admin (API.md): created from <c>Waardecheque:BootstrapAdmin:Email/Password</c> only while the staff
/// table is empty, so changing the configuration later never adds a second way in. Its password must pass
/// <see cref="PasswordPolicy"/>, or the app does not start.
/// </summary>
internal sealed class BootstrapAdmin(
    NpgsqlDataSource db, DbSchema schema, StaffPasswords passwords, IConfiguration configuration, TimeProvider time,
    ILogger<BootstrapAdmin> log) : IStartupTask
{
    public string Name => "bootstrap admin";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var email = configuration[WebConfig.BootstrapAdminEmail];
        var password = configuration[WebConfig.BootstrapAdminPassword];
        var staff = schema.Table("staff");

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var any = new NpgsqlCommand($"select exists (select 1 from {staff})", connection))
        {
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!) return;
        }
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            if (!string.IsNullOrWhiteSpace(email) || !string.IsNullOrEmpty(password))
                throw new InvalidOperationException(
                    $"Set both {WebConfig.BootstrapAdminEmail} and {WebConfig.BootstrapAdminPassword}, or neither.");
            log.LogWarning("No staff exist and no bootstrap admin is configured: nobody can sign in as staff");
            return;
        }

        // A weak first admin password stops the start (before anything is created): the operator sees it at once,
        // rather than an admin account that any guesser could open. Once staff exist the setting is not used.
        if (PasswordPolicy.Problem(password, email) is { } weak)
            throw new InvalidOperationException(
                $"{WebConfig.BootstrapAdminPassword} is refused: {weak} (at least {PasswordPolicy.MinLength} characters, not a common " +
                "password or a pattern, not the email).");

        // Hash outside the transaction (it takes ~0.1 s); the insert re-checks emptiness under the lock.
        var hash = passwords.Hash(password);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var takeLock = new NpgsqlCommand($"select pg_advisory_xact_lock({AuthSchema.MigrationLock})", connection, transaction))
        {
            await takeLock.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var insert = new NpgsqlCommand($"""
            insert into {staff} (id, email, password_hash, role, created)
            select $1, $2, $3, 'admin', $4 where not exists (select 1 from {staff})
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        insert.Parameters.Add(new NpgsqlParameter { Value = StaffAccounts.NormalizeEmail(email) });
        insert.Parameters.Add(new NpgsqlParameter { Value = hash });
        insert.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        var created = await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (created == 1) log.LogInformation("Bootstrap admin {Email} created", StaffAccounts.NormalizeEmail(email));
    }
}
