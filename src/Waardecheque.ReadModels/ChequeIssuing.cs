using System.Text.Json;
using JasperFx.Events;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.Domain;

namespace Waardecheque.ReadModels;

public sealed record IssueResult(int Issued, long TotalCents)
{
    public static readonly IssueResult None = new(0, 0);

    public IssueResult Plus(IssueResult other) => new(checked(Issued + other.Issued), checked(TotalCents + other.TotalCents));
}

/// <summary>
/// Issues a cheque to every household of a program that has none yet, in batches. The rules are the pure
/// <see cref="IssueChequesHandler"/>'s; this is only the bulk path around it: one query for the households without a
/// cheque, then per batch Marten's bulk event append (<c>BulkInsertEventsAsync</c>: binary COPY into mt_streams and
/// mt_events in one transaction, the hash chain written by its trigger in that transaction), then the batch's
/// rm_cheques rows by COPY. Marten's bulk append runs no projection and takes no caller transaction, so the rows follow
/// in a transaction of their own; a run that died in between leaves cheque streams without rows, which the next run
/// writes first (<see cref="CatchUpAsync"/>). Cheque ids follow from program and household, so even two runs at once
/// can never issue twice: the loser's COPY hits the existing stream ids (mt_streams' primary key), and it asks again
/// which households are left. A run normally holds the program's <see cref="IssuingLock"/>, so two runs do not even try.
/// </summary>
public static class ChequeIssuing
{
    /// <summary>Large enough to keep the COPYs efficient, small enough that progress moves about every second.</summary>
    public const int DefaultBatchSize = 5_000;

    private const int Attempts = 3;

    /// <summary>All of it, in the caller's time: waits for a run already busy, then issues what that run left.</summary>
    public static async Task<IssueResult> IssueAsync(WaardechequeStore store, Guid programId, MessageContext context,
        TimeProvider time, CancellationToken ct = default, int batchSize = DefaultBatchSize)
    {
        await using var held = await IssuingLock.TakeAsync(store.DataSource, programId, ct);
        return await IssueAsync(held, store, context, time, batchSize, ct);
    }

    /// <summary>All of it, batch after batch, for the program whose lock the caller holds.</summary>
    public static Task<IssueResult> IssueAsync(IssuingLock held, WaardechequeStore store, MessageContext context,
        TimeProvider time, int batchSize, CancellationToken ct) =>
        RunAsync(store, held.ProgramId, context, time, batchSize, int.MaxValue, ct);

    /// <summary>
    /// One batch (one transaction) of at most <paramref name="batchSize"/> households without a cheque: what a run
    /// does at a time, so a run that is stopped has issued exactly its finished batches.
    /// </summary>
    public static Task<IssueResult> IssueBatchAsync(WaardechequeStore store, Guid programId, MessageContext context,
        TimeProvider time, int batchSize, CancellationToken ct = default) =>
        RunAsync(store, programId, context, time, batchSize, 1, ct);

    /// <summary>
    /// Whether issuing may start at all (the program exists and the handler's rules allow it), so a run about to
    /// start in the background can say so to the person who pressed, instead of failing where nobody sees it.
    /// </summary>
    public static async Task CheckAsync(WaardechequeStore store, Guid programId, TimeProvider time, CancellationToken ct)
    {
        var program = await ProgramAsync(store, programId, ct);
        IssueChequesHandler.Handle(new IssueCheques(programId), program, [], time.GetUtcNow());
    }

    /// <summary>
    /// The households without a cheque, asked once (one anti-join over the program: about 0.4 s for 100,000), then
    /// written in batches. Asking per batch instead costs a plan that depends on statistics the tables do not have
    /// yet right after an import: 0.1–0.5 s per batch. Only after a collision with another writer is it asked again.
    /// </summary>
    private static async Task<IssueResult> RunAsync(WaardechequeStore store, Guid programId, MessageContext context,
        TimeProvider time, int batchSize, int maxBatches, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // A run stopped between Marten's bulk append and its rows gets its rows first.
        await CatchUpAsync(store, programId, ct);
        var total = IssueResult.None;
        var batches = 0;
        for (var attempt = 1; ; attempt++)
        {
            // An unknown or closed program answers as such even when no household is left to issue.
            var program = await ProgramAsync(store, programId, ct);
            var households = await HouseholdsWithoutChequeAsync(store, programId, ct);
            // A retry after batches were written ends quietly when the program closed meanwhile: never part and then a failure.
            if (total.Issued > 0 && program.State == ProgramState.Closed) return total;
            // Every rule that can refuse the run (state, cheque value, the total) is checked here, before the first batch commits.
            IssueChequesHandler.RequireIssuable(program, households.Count);
            try
            {
                foreach (var batch in households.Chunk(batchSize))
                {
                    if (batches++ == maxBatches) break;
                    // Null: the program closed between two batches. What is issued stays issued (and expires with the
                    // program); the run ends there as a success for what it did, not as a failure after a partial commit.
                    if (await WriteBatchAsync(store, programId, batch, context, time, ct) is not { } written) return total;
                    total = total.Plus(written);
                }
                return total;
            }
            catch (Exception e) when (IsDuplicate(e))
            {
                if (attempt >= Attempts) throw new JasperFx.ConcurrencyException("Another run keeps issuing these households' cheques first.", e);
                // A writer without the lock issued some of these households first; ask again which are left.
                batches--;
                await CatchUpAsync(store, programId, ct);
            }
        }
    }

    private static async Task<IssueResult?> WriteBatchAsync(WaardechequeStore store, Guid programId, IReadOnlyList<Household> households,
        MessageContext context, TimeProvider time, CancellationToken ct)
    {
        // The program again for every batch: a program closed halfway stops the run (quietly: see RunAsync).
        var program = await ProgramAsync(store, programId, ct);
        if (program.State == ProgramState.Closed) return null;
        var events = IssueChequesHandler.Handle(new IssueCheques(programId), program, households, time.GetUtcNow());
        var issued = events.Appended.Select(e => (ChequeIssued)e.Data).ToList();
        if (issued.Count == 0) return IssueResult.None;

        var streams = events.Appended.Select(e =>
        {
            var stream = StreamAction.Start((IEventRegistry)store.Marten.Options.Events, e.StreamId, e.Data);
            stream.AggregateType = typeof(Cheque);
            foreach (var evt in stream.Events)
            {
                evt.UserName = context.Actor;
                evt.CorrelationId = context.CorrelationId;
                evt.CausationId = "issue_cheques";
            }
            return stream;
        }).ToList();
        await store.Marten.BulkInsertEventsAsync(streams, streams.Count, ct);

        await using (var conn = await store.DataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await ChequesProjection.CopyIssuedAsync(conn, issued, store.Lookup, ct);
            await tx.CommitAsync(ct);
        }
        return new IssueResult(issued.Count, issued.Sum(c => c.ValueCents));
    }

    /// <summary>
    /// Writes the rm_cheques rows of cheques whose streams exist but whose rows do not: a run stopped between Marten's
    /// bulk append and its rows. Through the cheques projection itself, so the rows are exactly what it makes inline.
    /// </summary>
    public static async Task<int> CatchUpAsync(WaardechequeStore store, Guid programId, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CatchUpOnceAsync(store, programId, ct);
            }
            catch (Exception e) when (IsDuplicate(e) && attempt < Attempts)
            {
                // Another writer wrote some of the same rows at the same moment: a run writing its own batch's rows
                // right after its bulk append, or a second catch-up. The projection's insert skips a row whose id is
                // already there, but two inserts of one row that pass that check together meet on the code look-up's
                // unique index instead, and the later one fails once the other commits. Those rows are committed by
                // now, so asking again finds only what is still missing.
            }
        }
    }

    private static async Task<int> CatchUpOnceAsync(WaardechequeStore store, Guid programId, CancellationToken ct)
    {
        var missing = new List<IEvent>();
        await using (var cmd = store.DataSource.CreateCommand("""
            select e.data::text from mt_events e
            where e.type = 'cheque_issued' and (e.data ->> 'programId')::uuid = $1
              and not exists (select 1 from rm_cheques c where c.id = e.stream_id)
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                missing.Add(new Event<ChequeIssued>(JsonSerializer.Deserialize<ChequeIssued>(reader.GetString(0), MessageJson.Options)!));
        }
        if (missing.Count == 0) return 0;
        await using var session = store.LightweightSession();
        await store.ReadModels.OfType<ChequesProjection>().Single().ApplyAsync(session, missing, ct);
        await session.SaveChangesAsync(ct);
        return missing.Count;
    }

    private static bool IsDuplicate(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }) return true;
        return false;
    }

    private static async Task<Program> ProgramAsync(WaardechequeStore store, Guid programId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        return await session.Events.FetchLatest<Program>(programId, ct) ?? throw new AggregateNotFoundException(typeof(Program), programId);
    }

    /// <summary>The program's households that have no cheque yet, in postcode order.</summary>
    public static async Task<IReadOnlyList<Household>> HouseholdsWithoutChequeAsync(WaardechequeStore store, Guid programId,
        CancellationToken ct = default)
    {
        await using var cmd = store.DataSource.CreateCommand("""
            select h.id, h.postcode, h.huisnummer, h.huisletter, h.toevoeging, h.street, h.buurt_code
            from rm_households h
            where h.program_id = $1 and not exists (select 1 from rm_cheques c where c.program_id = $1 and c.household_id = h.id)
            order by h.postcode, h.huisnummer, h.huisletter, h.toevoeging
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        var list = new List<Household>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Household(reader.GetGuid(0), programId, reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetString(6)));
        return list;
    }
}
