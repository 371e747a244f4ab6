namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The webhook signing secret the sandbox uses: the configured one, or one it generated once and keeps in its schema,
/// so every app process and every restart signs (and verifies) with the same secret.
/// </summary>
internal sealed class SandboxSecrets(SandboxDatabase db, StripeSandboxOptions options)
{
    private string? _secret;

    public async Task<string> WebhookSecretAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(options.WebhookSecret)) return options.WebhookSecret;
        if (_secret is not null) return _secret;
        await using var conn = await db.OpenAsync(ct);
        await SandboxDatabase.Exec(conn, null,
            $"insert into {db.S}.settings (key, value) values ('webhook_secret', $1) on conflict (key) do nothing", WebhookSigner.NewSecret());
        await using var cmd = SandboxDatabase.Command(conn, null, $"select value from {db.S}.settings where key = 'webhook_secret'");
        return _secret = (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
