using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ledger;
using Waardecheque.Domain;

namespace Waardecheque.ReadModels;

/// <summary>One journal line with the event behind it, as the journal CSV lists it.</summary>
public sealed record LedgerLine(long Seq, DateTimeOffset Time, string EventType, string DebitAccount, string CreditAccount,
    long AmountCents, Guid StreamId, string? Actor);

/// <summary>The program's figures at the end of one UTC day on which at least one of its events happened.</summary>
public sealed record DailyFigures(DateOnly Date, AuditFigures Figures);

/// <summary>The figures per day with an event, in date order, and the books after the last event.</summary>
public sealed record LedgerHistory(IReadOnlyList<DailyFigures> Days, Books Final);

/// <summary>
/// A program's books and journal, folded live from the event log in sequence order (Marten's "live aggregation"):
/// the same pure <see cref="Books"/> and <see cref="Journal"/> the property tests check, so the auditor sees exactly
/// what the rules promise. Reading a 100,000-household program takes seconds: the audit's figures and days come from the
/// audit projection (Audit/ProgramAudit), which answers the same; this whole-log fold stays for the journal CSV (whose
/// lines need every cheque's balance at a close) and as the reference the projection is tested against.
/// </summary>
public static class ProgramLedger
{
    private static readonly Dictionary<string, Type> TypesByAlias = DomainEvents.All.ToDictionary(e => e.Alias, e => e.Type, StringComparer.Ordinal);

    public static async Task<Books> BooksAsync(WaardechequeStore store, Guid programId, CancellationToken ct = default)
    {
        var books = Books.Empty;
        await foreach (var (_, _, after) in ReadAsync(store, programId, ct)) books = after;
        return books;
    }

    /// <summary>
    /// The books folded once, with a snapshot of the figures at the end of every UTC day (of the event timestamp) on
    /// which the program had an event; <see cref="LedgerHistory.Final"/> equals <see cref="BooksAsync"/>.
    /// </summary>
    public static async Task<LedgerHistory> DailyFiguresAsync(WaardechequeStore store, Guid programId, CancellationToken ct = default)
    {
        var days = new List<DailyFigures>();
        var books = Books.Empty;
        DateOnly? day = null;
        await foreach (var (_, time, after) in ReadAsync(store, programId, ct))
        {
            var date = DateOnly.FromDateTime(time.UtcDateTime);
            if (day is { } previous && previous != date) days.Add(new DailyFigures(previous, books.Figures()));
            day = date;
            books = after;
        }
        if (day is { } last) days.Add(new DailyFigures(last, books.Figures()));
        return new LedgerHistory(days, books);
    }

    public static async IAsyncEnumerable<LedgerLine> JournalAsync(WaardechequeStore store, Guid programId,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var (lines, _, _) in ReadAsync(store, programId, ct))
            foreach (var line in lines) yield return line;
    }

    /// <summary>Every event of the program with its journal lines, its timestamp and the books after it.</summary>
    private static async IAsyncEnumerable<(IReadOnlyList<LedgerLine> Lines, DateTimeOffset Time, Books After)> ReadAsync(WaardechequeStore store,
        Guid programId, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand("""
            select e.seq_id, e.timestamp, e.type, e.data::text, e.stream_id, e.user_name
            from mt_events e
            where e.stream_id = any($1)
               or e.stream_id in (select id from rm_cheques where program_id = $2)
               or e.stream_id in (select id from rm_ideas where program_id = $2)
            order by e.seq_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = new[] { programId, HouseholdRegister.StreamIdFor(programId) } });
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var books = Books.Empty;
        while (await reader.ReadAsync(ct))
        {
            var alias = reader.GetString(2);
            if (!TypesByAlias.TryGetValue(alias, out var type)) continue;
            var data = JsonSerializer.Deserialize(reader.GetString(3), type, MessageJson.Options)!;
            var streamId = reader.GetGuid(4);
            var lines = Journal.LinesFor(books, streamId, data);
            books = books.Apply(streamId, data);
            var seq = reader.GetInt64(0);
            var time = reader.GetFieldValue<DateTimeOffset>(1);
            var actor = reader.IsDBNull(5) ? null : reader.GetString(5);
            yield return ([.. lines.Select(l => new LedgerLine(seq, time, alias, l.DebitAccount, l.CreditAccount, l.AmountCents, streamId, actor))],
                time, books);
        }
    }
}
