using System.Text.Json;
using Marten;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Handlers;
using Waardecheque.ReadModels;
using Waardecheque.Web.Database;
using Waardecheque.Web.Store;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;

namespace Waardecheque.Web.Composition;

/// <summary>
/// A start-up step, once per database: moves the messages an older version left in its own outbox table
/// <c>wc_outbox</c> (an idea's deadline, a program's close, released credit; also those of an imported old-store
/// database) into Wolverine. Each row becomes a Scheduled envelope (due now or later), written with the row's delete in
/// ONE transaction (Wolverine's Marten outbox enrolled in a Marten session), so a row is moved once or not at all.
/// <para>
/// Runs after Wolverine has started (its envelope tables exist) and before the app reports ready. Two processes starting
/// at once: the second waits on the advisory lock and then finds nothing left. When the table is empty afterwards it is
/// dropped, so every later start sees no table and does nothing. Rows the old worker had parked
/// (<c>due_at = infinity</c>) are not moved: they and the table stay for a person (a warning at each start says so).
/// Dropping means an OLDER process still running would fail to write its follow-ups: upgrade from a version with
/// <c>wc_outbox</c> by stopping the old processes first (docs/operations.md); a loud failure there is better than a
/// deadline that silently never fires.
/// </para>
/// </summary>
public sealed class OldOutboxMove(StoreHolder holder, IDocumentStore marten, IWolverineRuntime wolverine, ILogger<OldOutboxMove> log)
    : IStartupTask
{
    public const int BatchSize = 100;
    private const long LockKey = 0x77635f6f7574626f;   // "wc_outbo"

    /// <summary>Stored names: the stable ones (expire_idea, ...), and the short type names rows were once stored under.</summary>
    private static readonly Dictionary<string, Type> Names = BuildNames();

    public string Name => "old-outbox-move";

    /// <summary>How many rows this process's start moved into Wolverine (for tests and the log).</summary>
    public int Moved { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var conn = await holder.Store.DataSource.OpenConnectionAsync(cancellationToken);
        if (!await TableExistsAsync(conn, cancellationToken)) return;   // every start after the move
        await ExecuteAsync(conn, $"select pg_advisory_lock({LockKey})", cancellationToken);
        try
        {
            if (!await TableExistsAsync(conn, cancellationToken)) return;   // another process moved it meanwhile
            while (await MoveBatchAsync(conn, cancellationToken) > 0) { }
            var parked = (long)(await ScalarAsync(conn, "select count(*) from wc_outbox", cancellationToken))!;
            if (parked == 0) await ExecuteAsync(conn, "drop table wc_outbox", cancellationToken);
            else
                log.LogWarning("{Parked} parked messages are left in the old outbox table wc_outbox for a person to look at " +
                               "(docs/operations.md); the table stays until it is empty", parked);
            if (Moved > 0) log.LogInformation("Moved {Count} messages from the old outbox into Wolverine's schedule", Moved);
        }
        finally
        {
            await ExecuteAsync(conn, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    /// <summary>Moves up to a batch of movable rows; returns how many rows it handled (moved, or parked when unknown).</summary>
    private async Task<int> MoveBatchAsync(NpgsqlConnection conn, CancellationToken ct)
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
            if (!Names.TryGetValue(row.Type, out var type))
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
        Moved += rows.Count(r => Names.ContainsKey(r.Type));
        return rows.Count;
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection conn, CancellationToken ct) =>
        await ScalarAsync(conn, "select to_regclass('wc_outbox') is not null", ct) is true;

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static Dictionary<string, Type> BuildNames()
    {
        var names = typeof(DomainCommandHandler).GetMethods()
            .Where(m => m.Name == "Handle" && m.IsStatic && m.GetParameters().Length > 0)
            .Select(m => m.GetParameters()[0].ParameterType)
            .ToDictionary(t => t.Name, t => t, StringComparer.Ordinal);
        foreach (var (type, alias) in DomainEvents.Messages) names[alias] = type;
        return names;
    }
}
