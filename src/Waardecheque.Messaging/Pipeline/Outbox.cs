using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Waardecheque.Messaging;

/// <summary>
/// The outbox and the schedule in one table: a message row is written in the same transaction as the events that
/// caused it, so a message is never sent for a command that rolled back, nor lost for one that committed.
/// A row with a due time in the future is a scheduled message (an idea's deadline).
/// </summary>
public static class Outbox
{
    public const string SchemaSql = """
        create table if not exists wc_outbox (
            id uuid primary key,
            message_type text not null,
            body jsonb not null,
            due_at timestamptz not null,
            attempts int not null default 0,
            last_error text,
            actor text not null,
            correlation_id text,
            created_at timestamptz not null default now());
        create index if not exists wc_outbox_due on wc_outbox (due_at);
        """;

    internal sealed record OutboxRow(Guid Id, string Type, string Body, DateTimeOffset? DueAt, string Actor, string? CorrelationId);

    internal static OutboxRow Row(OutgoingMessage message, string name, MessageContext context, JsonSerializerOptions json) =>
        new(Guid.CreateVersion7(), name,
            JsonSerializer.Serialize(message.Message, message.Message.GetType(), json),
            message.DueAt?.ToUniversalTime(), context.Actor, context.CorrelationId);

    internal static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<OutboxRow> rows, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var r in rows)
        {
            var cmd = new NpgsqlBatchCommand(
                "insert into wc_outbox (id, message_type, body, due_at, actor, correlation_id) values ($1, $2, $3, coalesce($4, now()), $5, $6)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Type });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Body, NpgsqlDbType = NpgsqlDbType.Jsonb });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)r.DueAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Actor });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)r.CorrelationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }
}
