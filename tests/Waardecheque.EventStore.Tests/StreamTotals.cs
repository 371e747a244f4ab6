using Npgsql;

namespace Waardecheque.EventStore.Tests;

/// <summary>
/// A test read model: per stream, how many events, the last version and seq, and the balance. The same class serves
/// as an inline and as an async projection under different names (tables), so the two can be compared.
/// </summary>
public sealed class StreamTotals(string name) : IProjection
{
    public string Name => name;

    public async Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            create table if not exists {name} (
                stream_id uuid primary key, events integer not null, last_version bigint not null,
                last_seq bigint not null, balance_cents bigint not null)
            """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var rows = events.GroupBy(e => e.StreamId).Select(g => (
            Id: g.Key, Count: g.Count(), Version: g.Max(e => e.Version), Seq: g.Max(e => e.Sequence),
            Delta: g.Sum(e => e.Data switch { MoneyDeposited d => d.AmountCents, MoneyWithdrawn w => -w.AmountCents, _ => 0 }))).ToList();
        await using var cmd = new NpgsqlCommand($"""
            insert into {name} as t (stream_id, events, last_version, last_seq, balance_cents)
            select * from unnest($1::uuid[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[])
            on conflict (stream_id) do update set events = t.events + excluded.events,
                last_version = greatest(t.last_version, excluded.last_version), last_seq = greatest(t.last_seq, excluded.last_seq),
                balance_cents = t.balance_cents + excluded.balance_cents
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Id).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Count).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Version).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Seq).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Delta).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"delete from {name}", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
