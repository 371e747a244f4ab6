using Waardecheque.Domain.Ledger;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;

namespace Waardecheque.ReadModels.Audit;

/// <summary>
/// The audit's books of every program, kept by Marten's async daemon (HotCold: one app process at a time runs it).
/// <para>
/// Each page of events the daemon hands over is folded with the domain's <see cref="Waardecheque.Domain.Ledger.Books"/>
/// per program (onto the partial state <see cref="AuditState"/> loads) and written back in OUR OWN transaction together
/// with our checkpoint, <c>rm_audit_checkpoint</c>, whose row is locked first. So: a reader sees rows and the checkpoint
/// they belong to in one snapshot (what <see cref="ProgramAudit"/> needs to fold exactly the events after it); a page
/// Marten hands over again (its own progress failed to commit, or a shard moved between processes) is skipped, event by
/// event, by sequence number; and two daemons never interleave. The one thing this leaves to Marten is the order and
/// completeness of what reaches the daemon (its high-water mark), see docs/marten-move.md.
/// </para>
/// <para>
/// Marten's rebuild replays the log into this projection; the tables must be emptied first: <see cref="AuditRebuild"/>.
/// </para>
/// </summary>
public sealed class AuditProjection(NpgsqlDataSource db) : IProjection
{
    public const string Name = "audit";

    /// <summary>
    /// The most events the daemon hands over at once. Every page costs the same few round trips and its own
    /// transaction whatever its length (the checkpoint, the streams' programs, the program's state, the writes), so a
    /// rebuild or a catch-up after a bulk import goes in long pages; a running app's pages stay as short as what
    /// arrived meanwhile. (Marten's default is 500: docs/benchmarks.md "audit".)
    /// </summary>
    public const int PageSize = 5_000;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("""
            insert into rm_audit_checkpoint (id, last_seq) values (1, 0) on conflict (id) do nothing;
            select last_seq from rm_audit_checkpoint where id = 1 for update
            """, conn, tx))
        {
            var last = (long)(await take.ExecuteScalarAsync(ct))!;
            var fresh = events.Where(e => e.Sequence > last).Select(e => new AuditEvent(e.Sequence, e.Timestamp, e.StreamId, e.Data)).ToList();
            if (fresh.Count > 0) await FoldAsync(conn, tx, fresh, ct);
        }
        await using (var mark = new NpgsqlCommand("update rm_audit_checkpoint set last_seq = greatest(last_seq, $1) where id = 1", conn, tx))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = events.Max(e => e.Sequence) });
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Folds a page (any programs, in log order) and writes each program's changes, in the caller's transaction.</summary>
    internal static async Task FoldAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<AuditEvent> events, CancellationToken ct)
    {
        var (chequePrograms, ideaPrograms) = await ProgramsOfStreamsAsync(conn, tx, events, ct);
        var byProgram = new Dictionary<Guid, List<AuditEvent>>();
        foreach (var e in events)
        {
            if (AuditKeys.ProgramOf(e.Data, chequePrograms, ideaPrograms) is not { } program) continue;
            // Streams born in this page: a cheque (issued, or the replacement a reissue moves credit to) and an idea.
            switch (e.Data)
            {
                case Domain.Cheques.ChequeIssued x: chequePrograms[x.ChequeId] = program; break;
                case Domain.Cheques.ChequeReissued x: chequePrograms.TryAdd(x.NewChequeId, program); break;
                case Domain.Cheques.CreditForwarded x: chequePrograms.TryAdd(x.ToChequeId, program); break;
                case Domain.Ideas.IdeaProposed x: ideaPrograms[x.IdeaId] = program; break;
            }
            if (!byProgram.TryGetValue(program, out var list)) byProgram[program] = list = [];
            list.Add(e);
        }

        await using var write = new NpgsqlBatch(conn, tx);
        foreach (var (program, programEvents) in byProgram)
        {
            var keys = BooksKeys.Of(programEvents.Select(e => e.Data));
            var before = await AuditState.LoadAsync(conn, tx, program, keys, ct);
            var (after, days) = AuditFold.Run(before, programEvents);
            AuditStateWriter.Queue(write, program, before, after, keys, days);
        }
        if (write.BatchCommands.Count > 0) await write.ExecuteNonQueryAsync(ct);
    }

    private static async Task<(Dictionary<Guid, Guid> Cheques, Dictionary<Guid, Guid> Ideas)> ProgramsOfStreamsAsync(NpgsqlConnection conn,
        NpgsqlTransaction tx, IReadOnlyList<AuditEvent> events, CancellationToken ct)
    {
        var streams = events.Select(e => AuditKeys.StreamsOf(e.Data)).ToList();
        var chequeIds = streams.Where(s => s.Cheque is not null).Select(s => s.Cheque!.Value).Distinct().ToArray();
        var ideaIds = streams.Where(s => s.Idea is not null).Select(s => s.Idea!.Value).Distinct().ToArray();
        var cheques = new Dictionary<Guid, Guid>();
        var ideas = new Dictionary<Guid, Guid>();
        if (chequeIds.Length == 0 && ideaIds.Length == 0) return (cheques, ideas);
        await using var batch = new NpgsqlBatch(conn, tx);
        AuditState.Add(batch, "select cheque_id, program_id from rm_audit_cheques where cheque_id = any($1)", chequeIds);
        AuditState.Add(batch, "select idea_id, program_id from rm_audit_ideas where idea_id = any($1)", ideaIds);
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) cheques[r.GetGuid(0)] = r.GetGuid(1);
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct)) ideas[r.GetGuid(0)] = r.GetGuid(1);
        return (cheques, ideas);
    }
}
