using System.Data;
using System.Text.Json;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ledger;

namespace Waardecheque.ReadModels.Audit;

/// <summary>The audit of one program: the figures now, the totals per day, and how much of the log was folded on read.</summary>
public sealed record AuditReading(AuditFigures Figures, IReadOnlyList<AuditDay> Days, long Checkpoint, int TailEvents);

/// <summary>
/// Reads a program's audit from the projection (<see cref="AuditProjection"/>) and folds, on top of it, the program's
/// events that came after the projection's checkpoint (the "tail"), all in ONE repeatable-read snapshot. So the answer
/// is always the fold of every committed event of the program, exactly what <see cref="ProgramLedger"/> folds from the
/// whole log, also right after a write and whether or not the daemon runs; the daemon only decides how long the tail
/// is (a page or so when it keeps up; the whole log before it ever ran).
/// </summary>
public static class ProgramAudit
{
    private static readonly Dictionary<string, Type> TypesByAlias = DomainEvents.All.ToDictionary(e => e.Alias, e => e.Type, StringComparer.Ordinal);

    public static async Task<AuditReading> ReadAsync(NpgsqlDataSource db, Guid programId, bool withDays, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var (checkpoint, tail) = await TailAsync(conn, tx, programId, ct);
        var keys = BooksKeys.Of(tail.Select(e => e.Data));
        var books = await AuditState.LoadAsync(conn, tx, programId, keys, ct);
        var (after, tailDays) = AuditFold.Run(books, tail);
        IReadOnlyList<AuditDay> days = [];
        if (withDays)
        {
            var byDate = (await StoredDaysAsync(conn, tx, programId, ct)).ToDictionary(d => d.Date);
            foreach (var d in tailDays) byDate[d.Date] = d;   // the tail's end of a day comes after the stored one
            days = [.. byDate.Values.OrderBy(d => d.Date)];
        }
        await tx.CommitAsync(ct);
        return new AuditReading(after.Figures(), days, checkpoint, tail.Count);
    }

    /// <summary>
    /// The checkpoint and the program's events after it, in log order (the streams as <see cref="ProgramLedger"/> finds
    /// them). Two round trips on purpose: with the checkpoint as a parameter of a custom plan, PostgreSQL estimates the
    /// tail from its statistics (a few rows when the daemon keeps up) and looks each event's stream up by key. With the
    /// checkpoint as a subquery it planned for a third of the log: it hashed the program's 100,000 cheque ids and
    /// JIT-compiled the query, about 600 ms for an empty tail (measured, docs/benchmarks.md "audit").
    /// </summary>
    private static async Task<(long Checkpoint, List<AuditEvent> Tail)> TailAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid programId,
        CancellationToken ct)
    {
        long checkpoint;
        // For this transaction only: no JIT (never worth it for a read this size) and plans for the actual checkpoint.
        await using (var first = new NpgsqlCommand("""
            select set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true),
                   coalesce((select last_seq from rm_audit_checkpoint where id = 1), 0)
            """, conn, tx))
        await using (var r0 = await first.ExecuteReaderAsync(ct))
        {
            await r0.ReadAsync(ct);
            checkpoint = r0.GetInt64(2);
        }
        await using var cmd = new NpgsqlCommand("""
            select e.seq_id, e.timestamp, e.stream_id, e.type, e.data::text
            from mt_events e
            where e.seq_id > $3
              and (e.stream_id = any($1)
                   or exists (select 1 from rm_cheques c where c.id = e.stream_id and c.program_id = $2)
                   or exists (select 1 from rm_ideas i where i.id = e.stream_id and i.program_id = $2))
            order by e.seq_id
            """, conn, tx);
        cmd.Parameters.Add(AuditState.Parameter(new[] { programId, HouseholdRegister.StreamIdFor(programId) }));
        cmd.Parameters.Add(AuditState.Parameter(programId));
        cmd.Parameters.Add(AuditState.Parameter(checkpoint));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var tail = new List<AuditEvent>();
        while (await r.ReadAsync(ct))
        {
            if (!TypesByAlias.TryGetValue(r.GetString(3), out var type)) continue;
            tail.Add(new AuditEvent(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetGuid(2),
                JsonSerializer.Deserialize(r.GetString(4), type, MessageJson.Options)!));
        }
        return (checkpoint, tail);
    }

    private static async Task<List<AuditDay>> StoredDaysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid programId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select day, issued_cents, activated_cents, available_cents, pledged_open_cents, committed_cents, spent_cents, returned_cents,
                expired_cents, topped_up_cents, refunded_cents, reconciles, households, activated_households, pledging_households, ideas, funded
            from rm_audit_days where program_id = $1 order by day
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var days = new List<AuditDay>();
        while (await r.ReadAsync(ct))
            days.Add(new AuditDay(r.GetFieldValue<DateOnly>(0), new AuditFigures(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4),
                r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetBoolean(11), [], [],
                new Participation(r.GetInt32(12), r.GetInt32(13), r.GetInt32(14), r.GetInt32(15), r.GetInt32(16)))));
        return days;
    }
}
