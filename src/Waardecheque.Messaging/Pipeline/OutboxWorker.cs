using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Waardecheque.Messaging;

/// <summary>
/// Delivers outbox rows that are due by invoking their handlers through the bus. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so any number of app processes can run this worker without delivering a row twice
/// at the same time. Delivery is at least once (a crash after the handler committed but before the row was deleted
/// delivers again), so message handlers are idempotent: expiring an idea that is no longer open does nothing.
/// A delivered message acts as <see cref="Actor"/>, not as whoever caused it: the deadline expired the idea, not the
/// moderator who approved it months before. Who caused it stays on every event as the <c>caused_by</c> header, and the
/// conversation as the correlation id.
/// <para>
/// How a row's message is run: <paramref name="deliver"/> when given (the web host: through Wolverine's
/// <c>IMessageBus.InvokeAsync</c>, so every command of the app runs in Wolverine), else the bus's own
/// <see cref="CommandBus.InvokeAsync"/> (tests, benchmarks).
/// </para>
/// </summary>
public sealed class OutboxWorker(CommandBus bus, HandlerRegistry registry, ILogger<OutboxWorker>? logger = null,
    Func<object, MessageContext, CancellationToken, Task>? deliver = null)
{
    public const int BatchSize = 20;
    public const int MaxAttempts = 10;
    public const string Actor = "system:outbox";
    public const string CausedByHeader = "caused_by";
    private readonly ILogger _logger = logger ?? NullLogger<OutboxWorker>.Instance;

    /// <summary>Delivers what is due now; returns how many rows were handled (delivered or given up on).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        await using var conn = await bus.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = new List<(Guid Id, string Type, string Body, int Attempts, string Actor, string? Correlation)>();
        await using (var select = new NpgsqlCommand(
            $"select id, message_type, body::text, attempts, actor, correlation_id from wc_outbox where due_at <= now() order by due_at limit {BatchSize} for update skip locked",
            conn, tx))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                due.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        foreach (var row in due)
        {
            try
            {
                var message = JsonSerializer.Deserialize(row.Body, registry.MessageType(row.Type), MessageJson.Options)!;
                var context = new MessageContext(Actor, row.Correlation, new Dictionary<string, object> { [CausedByHeader] = row.Actor });
                if (deliver is not null) await deliver(message, context, ct);
                else await bus.InvokeAsync(message, context, ct);
                await ExecuteAsync(conn, tx, "delete from wc_outbox where id = $1", ct, row.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Back off exponentially; after MaxAttempts, or at once for an error a retry cannot fix, the row stays
                // for a person to look at (due_at = infinity).
                var attempts = row.Attempts + 1;
                var park = attempts >= MaxAttempts || e is IPermanentError;
                _logger.LogWarning(e, "Delivering {MessageType} {Id} failed (attempt {Attempt}){Parked}", row.Type, row.Id, attempts,
                    park ? "; parked for a person to look at" : "");
                await ExecuteAsync(conn, tx,
                    park
                        ? "update wc_outbox set attempts = $2, last_error = $3, due_at = 'infinity' where id = $1"
                        : "update wc_outbox set attempts = $2, last_error = $3, due_at = now() + make_interval(secs => power(2, $2)) where id = $1",
                    ct, row.Id, attempts, e.Message);
            }
        }
        await tx.CommitAsync(ct);
        return due.Count;
    }

    /// <summary>
    /// Runs until cancelled, polling once a second when there is nothing due. While the database is away the worker
    /// waits longer after each failure (2, 4, 8 … up to 30 s) and logs the first failure with its exception and the
    /// later ones in one line, so an outage neither hammers PostgreSQL nor floods the log.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var delivered = await DeliverDueAsync(ct);
                if (failures > 0) _logger.LogInformation("The outbox worker is delivering again after {Failures} failed tries", failures);
                failures = 0;
                if (delivered > 0) continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures++;
                if (failures == 1) _logger.LogError(e, "The outbox worker failed; it tries again shortly");
                else _logger.LogWarning("The outbox worker failed again ({Failures} in a row): {Error}", failures, e.Message);
            }
            try { await Task.Delay(RetryDelay(failures), ct); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>How long the worker waits before its next poll after <paramref name="failures"/> failed polls in a row.</summary>
    public static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromSeconds(failures == 0 ? 1 : Math.Min(30, Math.Pow(2, Math.Min(failures, 5))));

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
