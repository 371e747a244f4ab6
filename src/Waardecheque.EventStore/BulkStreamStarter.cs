using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Waardecheque.EventStore;

/// <summary>
/// Starts many single-event streams at once: hashes computed here in parallel, one binary COPY into mt_streams, one
/// draw of all sequence numbers, one binary COPY into mt_events, all in one transaction.
/// </summary>
internal static class BulkStreamStarter
{
    public static async Task StartAsync(DocumentStore store, string aggregateType, IReadOnlyList<(Guid StreamId, object Event)> streams,
        string? actor, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? alsoInTransaction, CancellationToken ct)
    {
        var registry = store.Options.Events;
        foreach (var type in streams.Select(s => s.Event.GetType()).Distinct()) registry.AliasFor(type);
        var now = Clock.UtcNowMicros();

        var rows = new Row[streams.Count];
        Parallel.For(0, streams.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var (id, e) = streams[i];
            var alias = registry.AliasFor(e.GetType());
            var utf8 = JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), registry.JsonOptions);
            rows[i] = new Row(id, e, alias, Encoding.UTF8.GetString(utf8), EventHash.Compute(id, 1, alias, utf8, EventHash.Genesis));
        });

        try
        {
            await WriteAsync(store, aggregateType, rows, actor, alsoInTransaction, now, ct);
        }
        catch (PostgresException e) when (ConcurrencyErrors.IsStreamConflict(e))
        {
            var pending = streams.Select(s => new PendingStream(s.StreamId) { IsNew = true, ExpectedVersion = 0 }).ToList();
            throw await ConcurrencyErrors.FromAsync(store.DataSource, pending);
        }
    }

    private static async Task WriteAsync(DocumentStore store, string aggregateType, Row[] rows, string? actor,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? alsoInTransaction, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Streams first: the COPY gives this transaction its id before the draw, as the high-water mark needs.
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy mt_streams (id, type, version, timestamp, created, head_hash) from stdin (format binary)", ct))
        {
            foreach (var r in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.StreamId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(aggregateType, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(1L, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(r.Hash, NpgsqlDbType.Bytea, ct);
            }
            await copy.CompleteAsync(ct);
        }

        var sequence = new List<long>(rows.Length);
        await using (var draw = new NpgsqlCommand("select nextval('mt_events_sequence') from generate_series(1, $1)", conn))
        {
            draw.Parameters.Add(new() { Value = rows.Length });
            await using var reader = await draw.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) sequence.Add(reader.GetInt64(0));
        }
        sequence.Sort();

        var events = new List<IEvent>(rows.Length);
        // tx_horizon is left to its default, evaluated now that the draw has finished.
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy mt_events (seq_id, id, stream_id, version, data, type, timestamp, user_name, hash) from stdin (format binary)", ct))
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var r = rows[i];
                var e = new StoredEvent(Guid.CreateVersion7(now), sequence[i], r.StreamId, 1, r.Event, r.Alias, now,
                    null, null, actor, StoredEvent.NoHeaders, r.Hash);
                events.Add(e);
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(e.StreamId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(1L, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(r.Json, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(r.Alias, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                if (actor is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(actor, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.Hash, NpgsqlDbType.Bytea, ct);
            }
            await copy.CompleteAsync(ct);
        }

        if (events.Count > 0)
            foreach (var projection in store.Options.Projections.Inline) await projection.ApplyAsync(conn, tx, events, ct);
        if (alsoInTransaction is not null) await alsoInTransaction(conn, tx, ct);
        await tx.CommitAsync(ct);
        if (events.Count > 0) store.Notifier.Signal(sequence[^1]);
    }

    private sealed record Row(Guid StreamId, object Event, string Alias, string Json, byte[] Hash);
}
