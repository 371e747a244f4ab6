using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.EventStore;
using Waardecheque.Messaging;

namespace Waardecheque.ReadModels;

public sealed record IssueResult(int Issued, long TotalCents);

/// <summary>
/// Issues a cheque to every household of a program that has none yet. The rules are the pure
/// <see cref="IssueChequesHandler"/>'s; this is only the bulk path around it: one query for the households, one COPY
/// for all new cheque streams. Cheque ids follow from program and household, so a rerun or a simultaneous second run
/// can never issue twice: the loser's COPY hits the existing streams, and its retry finds nothing left to issue.
/// </summary>
public static class ChequeIssuing
{
    public static async Task<IssueResult> IssueAsync(DocumentStore store, Guid programId, byte[] codeKey, MessageContext context,
        TimeProvider time, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryIssueAsync(store, programId, codeKey, context, time, ct);
            }
            catch (ConcurrencyException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<IssueResult> TryIssueAsync(DocumentStore store, Guid programId, byte[] codeKey, MessageContext context,
        TimeProvider time, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var program = await session.Events.FetchLatest<Program>(programId, ct)
            ?? throw new AggregateNotFoundException(typeof(Program), programId);
        var households = await HouseholdsWithoutChequeAsync(store, programId, ct);
        var events = IssueChequesHandler.Handle(new IssueCheques(programId), program, households, codeKey, time.GetUtcNow());
        var streams = events.Appended.Select(e => (e.StreamId, e.Data)).ToList();
        if (streams.Count > 0) await store.BulkStartStreamsAsync<Cheque>(streams, context.Actor, null, ct);
        return new IssueResult(streams.Count, streams.Sum(s => ((ChequeIssued)s.Data).ValueCents));
    }

    private static async Task<IReadOnlyList<Household>> HouseholdsWithoutChequeAsync(DocumentStore store, Guid programId, CancellationToken ct)
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
