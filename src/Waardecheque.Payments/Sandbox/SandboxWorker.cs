using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The sandbox's background work, as Stripe does it on its side: sessions past <c>expires_at</c> expire, and events
/// in the outbox are POSTed, signed, to the webhook URL until it answers 2xx, with growing pauses between tries. Rows
/// are claimed with SKIP LOCKED and a lease, so several app processes share the work and a killed one loses nothing.
/// </summary>
internal sealed class SandboxWorker(SandboxDatabase db, CheckoutSessions sessions, SandboxChaos chaos, SandboxSecrets secrets,
    StripeSandboxOptions options, TimeProvider clock, ILogger<SandboxWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly HttpClient _http = new() { Timeout = options.DeliveryTimeout };

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Enabled) return;
        // No await before the loop: an exception escaping ExecuteAsync would stop the whole app.
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                logger.LogWarning(e, "Stripe sandbox: background work failed; trying again shortly");
            }
            try { await Task.Delay(options.PollInterval, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        if (!await db.InUseAsync(ct)) return;
        await ExpireDueSessionsAsync(ct);
        if (!string.IsNullOrWhiteSpace(options.WebhookUrl) && !chaos.DeliveriesHeld) await DeliverDueEventsAsync(ct);
    }

    private async Task ExpireDueSessionsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = new List<string>();
        await using (var cmd = SandboxDatabase.Command(conn, tx, $"""
            select id from {db.S}.objects
            where type = 'checkout.session' and data->>'status' = 'open' and (data->>'expires_at')::bigint <= $1
            limit 100 for update skip locked
            """, clock.GetUtcNow().ToUnixTimeSeconds()))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) due.Add(reader.GetString(0));
        foreach (var id in due)
            await sessions.ExpireAsync(conn, tx, (await db.LoadAsync(conn, tx, id, CheckoutSessions.Type, forUpdate: true))!);
        await tx.CommitAsync(ct);
    }

    private async Task DeliverDueEventsAsync(CancellationToken ct)
    {
        var order = chaos.DeliverNewestFirst ? "desc" : "asc";
        var claimed = new List<(long Seq, int Attempts, string Body)>();
        await using (var conn = await db.OpenAsync(ct))
        await using (var cmd = SandboxDatabase.Command(conn, null, $"""
            with due as (
                select seq from {db.S}.outbox
                where delivered_at is null and next_attempt_at <= now() and (locked_until is null or locked_until < now())
                order by seq {order} limit 50 for update skip locked),
            claimed as (
                update {db.S}.outbox o set locked_until = now() + $1 from due where o.seq = due.seq
                returning o.seq, o.attempts, o.event_id)
            select c.seq, c.attempts, e.body from claimed c join {db.S}.events e on e.id = c.event_id order by c.seq {order}
            """, Lease))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) claimed.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        if (claimed.Count == 0) return;

        var secret = await secrets.WebhookSecretAsync(ct);
        foreach (var (seq, attempts, body) in claimed)
        {
            int? status = null;
            string? error = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, options.WebhookUrl)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", WebhookSigner.SignatureHeader(body, secret, clock.GetUtcNow()));
                request.Headers.TryAddWithoutValidation("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
                using var response = await _http.SendAsync(request, ct);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error = e.GetType().Name;
            }
            await RecordAsync(seq, attempts + 1, status, error, ct);
        }
    }

    private async Task RecordAsync(long seq, int attempts, int? status, string? error, CancellationToken ct)
    {
        var delivered = status is >= 200 and < 300;
        if (!delivered) logger.LogInformation("Stripe sandbox: webhook delivery {Seq} attempt {Attempts} failed ({Status})", seq, attempts, status?.ToString() ?? error);
        var pause = TimeSpan.FromMilliseconds(Math.Min(options.MaxRedeliveryDelay.TotalMilliseconds,
            options.FirstRedeliveryDelay.TotalMilliseconds * Math.Pow(2, attempts - 1)));
        await using var conn = await db.OpenAsync(ct);
        await SandboxDatabase.Exec(conn, null, $"""
            update {db.S}.outbox set attempts = $2, last_status = $3, last_error = $4, locked_until = null,
                delivered_at = case when $5 then now() end, next_attempt_at = now() + $6
            where seq = $1
            """, seq, attempts, status, error, delivered, pause);
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
