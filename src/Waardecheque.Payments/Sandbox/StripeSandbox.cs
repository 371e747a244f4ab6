namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The sandbox seen from code in the same process: its webhook secret, its trouble switches, and what a test needs to
/// make happen or to look at (a session's time running out, how many sessions or deliveries there are).
/// </summary>
public sealed class StripeSandbox
{
    private readonly SandboxDatabase _db;
    private readonly SandboxSecrets _secrets;
    private readonly CheckoutSessions _sessions;
    private readonly SandboxWorker _worker;

    internal StripeSandbox(SandboxDatabase db, SandboxSecrets secrets, CheckoutSessions sessions, SandboxWorker worker, SandboxChaos chaos)
    {
        _db = db;
        _secrets = secrets;
        _sessions = sessions;
        _worker = worker;
        Chaos = chaos;
    }

    public SandboxChaos Chaos { get; }

    public Task<string> WebhookSecretAsync(CancellationToken ct = default) => _secrets.WebhookSecretAsync(ct);

    /// <summary>As if the session's time ran out now: open -> expired, with its event.</summary>
    public async Task ExpireSessionAsync(string sessionId, CancellationToken ct = default)
    {
        await using var conn = await _db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var session = await _db.LoadAsync(conn, tx, sessionId, CheckoutSessions.Type, forUpdate: true)
            ?? throw new InvalidOperationException($"No session {sessionId}.");
        if (CheckoutSessions.Status(session) == "open") await _sessions.ExpireAsync(conn, tx, session);
        await tx.CommitAsync(ct);
    }

    /// <summary>Sessions created for one client reference (a top-up id): a retried create must leave exactly one.</summary>
    public async Task<int> CountSessionsAsync(string clientReferenceId, CancellationToken ct = default)
    {
        await using var conn = await _db.OpenAsync(ct);
        await using var cmd = SandboxDatabase.Command(conn, null,
            $"select count(*) from {_db.S}.objects where type = 'checkout.session' and data->>'client_reference_id' = $1", clientReferenceId);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>How often an event was POSTed, over all its outbox rows.</summary>
    public async Task<int> DeliveryAttemptsAsync(string eventId, CancellationToken ct = default)
    {
        await using var conn = await _db.OpenAsync(ct);
        await using var cmd = SandboxDatabase.Command(conn, null,
            $"select coalesce(sum(attempts), 0)::int from {_db.S}.outbox where event_id = $1", eventId);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One round of the background work now (expiry and due deliveries), instead of waiting for the poll.</summary>
    public Task RunBackgroundWorkAsync(CancellationToken ct = default) => _worker.RunOnceAsync(ct);
}
