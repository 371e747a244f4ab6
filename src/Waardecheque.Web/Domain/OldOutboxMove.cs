using System.Text.Json;
using Marten;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Messaging;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Messaging.MessageContext;

namespace Waardecheque.Web.Domain;

/// <summary>
/// Moves the messages that older versions left in <c>wc_outbox</c> (an idea's deadline, a program's close, released
/// credit; also those of an imported old-store database) into Wolverine: each becomes a Scheduled envelope (due now or
/// later), written with the row's delete in ONE transaction (Wolverine's Marten outbox enrolled in a Marten session),
/// so a row is moved once or not at all. Runs every second while the app runs, so rows an older process writes during
/// a rolling upgrade are moved too; one process at a time (an advisory lock), the others skip that round. Parked rows
/// (<c>due_at = infinity</c>: the old worker gave up on them) stay for a person, as before.
/// </summary>
public sealed class OldOutboxMove(StoreHolder holder, IDocumentStore marten, IWolverineRuntime wolverine, HandlerRegistry registry,
    ILogger<OldOutboxMove> log)
{
    public const int BatchSize = 100;
    private const long LockKey = 0x77635f6f7574626f;   // "wc_outbo"

    private static readonly Dictionary<string, Type> Names = BuildNames();

    private Dictionary<string, Type> _names = null!;

    /// <summary>Moves what is there (up to a batch); returns how many rows were moved.</summary>
    public async Task<int> MoveAsync(CancellationToken ct)
    {
        _names ??= registry.CommandTypes.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First())
            .Concat(Names).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        await using var conn = await holder.Store.DataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"select pg_try_advisory_lock({LockKey})", conn))
            if (await take.ExecuteScalarAsync(ct) is not true) return 0;
        try
        {
            var rows = new List<(Guid Id, string Type, string Body, DateTimeOffset DueAt, string Actor, string? Correlation)>();
            await using (var select = new NpgsqlCommand(
                $"select id, message_type, body::text, due_at, actor, correlation_id from wc_outbox where due_at < 'infinity' order by due_at limit {BatchSize}",
                conn))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                    rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                        reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
            if (rows.Count == 0) return 0;

            await using var session = marten.LightweightSession();
            var outbox = new MartenOutbox(wolverine, session);
            foreach (var row in rows)
            {
                if (!_names.TryGetValue(row.Type, out var type))
                {
                    log.LogError("An old outbox row {RowId} has the unknown message type {MessageType}; it is parked", row.Id, row.Type);
                    session.QueueSqlCommand("update wc_outbox set due_at = 'infinity', last_error = 'unknown message type' where id = ?", row.Id);
                    continue;
                }
                var message = JsonSerializer.Deserialize(row.Body, type, MessageJson.Options)!;
                // As the old worker delivered it: acting as the outbox, caused by the row's actor, in its conversation.
                await outbox.ScheduleAsync(message, row.DueAt, CommandInvocation.FollowUpOptions(new MessageContext(row.Actor, row.Correlation)));
                session.QueueSqlCommand("delete from wc_outbox where id = ?", row.Id);
            }
            await session.SaveChangesAsync(ct);
            log.LogInformation("Moved {Count} messages from the old outbox into Wolverine's schedule", rows.Count);
            return rows.Count;
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({LockKey})", conn);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Every second until the app stops; a failure (the database away) is logged and tried again.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (await MoveAsync(ct) == BatchSize) { }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Moving the old outbox into Wolverine failed; it tries again shortly");
            }
            try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static Dictionary<string, Type> BuildNames() =>
        DomainEvents.Messages.ToDictionary(m => m.Alias, m => m.Type, StringComparer.Ordinal);
}
