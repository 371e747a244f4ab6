using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.EventStore;
using Waardecheque.Messaging;

namespace Waardecheque.ReadModels;

public sealed record IssueResult(int Issued, long TotalCents)
{
    public static readonly IssueResult None = new(0, 0);

    public IssueResult Plus(IssueResult other) => new(Issued + other.Issued, TotalCents + other.TotalCents);
}

/// <summary>
/// Issues a cheque to every household of a program that has none yet, in batches. The rules are the pure
/// <see cref="IssueChequesHandler"/>'s; this is only the bulk path around it: per batch one query for the next
/// households without a cheque and one <c>BulkStartStreamsAsync</c> (COPY) for their cheque streams, each batch its
/// own transaction. So a run that stops halfway (a crash, a restart) has issued whole batches, and the next run
/// simply continues with the households still without a cheque. Cheque ids follow from program and household, so
/// even two runs at once can never issue twice: the loser's COPY hits the existing streams and its retry skips them.
/// A run normally holds the program's <see cref="IssuingLock"/>, so two runs do not even try.
/// </summary>
public static class ChequeIssuing
{
    /// <summary>Large enough to keep the COPYs efficient, small enough that progress moves about every second.</summary>
    public const int DefaultBatchSize = 5_000;

    /// <summary>All of it, in the caller's time: waits for a run already busy, then issues what that run left.</summary>
    public static async Task<IssueResult> IssueAsync(DocumentStore store, Guid programId, byte[] codeKey, MessageContext context,
        TimeProvider time, CancellationToken ct = default, int batchSize = DefaultBatchSize)
    {
        await using var held = await IssuingLock.TakeAsync(store.DataSource, programId, ct);
        return await IssueAsync(held, store, codeKey, context, time, batchSize, ct);
    }

    /// <summary>All of it, batch after batch, for the program whose lock the caller holds.</summary>
    public static async Task<IssueResult> IssueAsync(IssuingLock held, DocumentStore store, byte[] codeKey, MessageContext context,
        TimeProvider time, int batchSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var total = IssueResult.None;
        var after = Guid.Empty;
        while (true)
        {
            var (issued, last) = await BatchAsync(store, held.ProgramId, after, codeKey, context, time, batchSize, ct);
            total = total.Plus(issued);
            if (last is not { } next) return total;
            after = next;
        }
    }

    /// <summary>
    /// One batch (one transaction) of at most <paramref name="batchSize"/> households without a cheque: what a run
    /// does at a time, so a run that is stopped has issued exactly its finished batches.
    /// </summary>
    public static async Task<IssueResult> IssueBatchAsync(DocumentStore store, Guid programId, byte[] codeKey, MessageContext context,
        TimeProvider time, int batchSize, CancellationToken ct = default) =>
        (await BatchAsync(store, programId, Guid.Empty, codeKey, context, time, batchSize, ct)).Issued;

    /// <summary>
    /// Whether issuing may start at all (the program exists and the handler's rules allow it), so a run about to
    /// start in the background can say so to the person who pressed, instead of failing where nobody sees it.
    /// </summary>
    public static async Task CheckAsync(DocumentStore store, Guid programId, byte[] codeKey, TimeProvider time, CancellationToken ct)
    {
        var program = await ProgramAsync(store, programId, ct);
        IssueChequesHandler.Handle(new IssueCheques(programId), program, [], codeKey, time.GetUtcNow());
    }

    /// <returns>The batch's cheques, and the last household it looked at when there may be more after it.</returns>
    private static async Task<(IssueResult Issued, Guid? Last)> BatchAsync(DocumentStore store, Guid programId, Guid after, byte[] codeKey,
        MessageContext context, TimeProvider time, int batchSize, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryBatchAsync(store, programId, after, codeKey, context, time, batchSize, ct);
            }
            catch (ConcurrencyException) when (attempt < 3)
            {
                // A run without the lock issued some of these households first; the query now skips them.
            }
        }
    }

    private static async Task<(IssueResult, Guid?)> TryBatchAsync(DocumentStore store, Guid programId, Guid after, byte[] codeKey,
        MessageContext context, TimeProvider time, int batchSize, CancellationToken ct)
    {
        // The program again for every batch: a program closed halfway stops the run at the handler's rule.
        var program = await ProgramAsync(store, programId, ct);
        var households = await HouseholdsWithoutChequeAsync(store, programId, after, batchSize, ct);
        var events = IssueChequesHandler.Handle(new IssueCheques(programId), program, households, codeKey, time.GetUtcNow());
        var streams = events.Appended.Select(e => (e.StreamId, e.Data)).ToList();
        if (streams.Count > 0) await store.BulkStartStreamsAsync<Cheque>(streams, context.Actor, null, ct);
        var issued = new IssueResult(streams.Count, streams.Sum(s => ((ChequeIssued)s.Data).ValueCents));
        return (issued, households.Count == batchSize ? households[^1].HouseholdId : null);
    }

    private static async Task<Program> ProgramAsync(DocumentStore store, Guid programId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        return await session.Events.FetchLatest<Program>(programId, ct) ?? throw new AggregateNotFoundException(typeof(Program), programId);
    }

    /// <summary>
    /// The next households without a cheque in id order, after the last one of the previous batch: each batch reads
    /// only its own households (the primary key), instead of passing the ones already issued again. A household
    /// imported during a run behind that point is left for the next run, which the page then shows as not done.
    /// </summary>
    public static async Task<IReadOnlyList<Household>> HouseholdsWithoutChequeAsync(DocumentStore store, Guid programId, Guid after,
        int batchSize, CancellationToken ct = default)
    {
        await using var cmd = store.DataSource.CreateCommand("""
            select h.id, h.postcode, h.huisnummer, h.huisletter, h.toevoeging, h.street, h.buurt_code
            from rm_households h
            where h.program_id = $1 and h.id > $2
              and not exists (select 1 from rm_cheques c where c.program_id = $1 and c.household_id = h.id)
            order by h.id
            limit $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = after });
        cmd.Parameters.Add(new NpgsqlParameter { Value = batchSize });
        var list = new List<Household>(Math.Min(batchSize, 10_000));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Household(reader.GetGuid(0), programId, reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetString(6)));
        return list;
    }
}
