using System.Text.Json;
using Marten;

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

    /// <summary>Queues the rows in the command's Marten session: they commit or roll back with its events.</summary>
    internal static void Queue(IDocumentSession session, IReadOnlyList<OutboxRow> rows)
    {
        foreach (var r in rows)
            session.QueueSqlCommand('^',
                "insert into wc_outbox (id, message_type, body, due_at, actor, correlation_id) values (^, ^, ^::jsonb, coalesce(^::timestamptz, now()), ^, ^::text)",
                r.Id, r.Type, r.Body, r.DueAt!, r.Actor, r.CorrelationId!);
    }
}
