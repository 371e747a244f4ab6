using System.Text.Json;
using Npgsql;
using Waardecheque.Domain.Programs;

namespace Waardecheque.ReadModels.Queries;

/// <summary>
/// A program as rm_programs keeps it, with how many households and first cheques it has (0 and 0 when read without
/// counts).
/// </summary>
public sealed record ProgramRow(Guid Id, string Name, string MunicipalityCode, IReadOnlyList<Buurt> Buurten, long ChequeValueCents,
    DateTimeOffset OpensAt, DateTimeOffset ClosesAt, ProgramRules Rules, string State, DateTimeOffset CreatedAt, int Households, int Cheques)
{
    /// <summary>The buurt's name in this program; null when the program does not know the code (callers show the code then).</summary>
    public string? BuurtName(string code) =>
        Buurten.FirstOrDefault(b => string.Equals(b.Code, code, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>The buurt's name to show, or its code when the program does not name it.</summary>
    public string BuurtNameOrCode(string code) => BuurtName(code) ?? code;
}

/// <summary>Reads of rm_programs for the API and the pages.</summary>
public static class ProgramQueries
{
    private const string Columns = """
        p.id, p.name, p.municipality_code, p.buurten::text, p.cheque_value_cents, p.opens_at, p.closes_at, p.rules::text,
        p.state, p.created_at
        """;

    /// <summary>
    /// The columns <see cref="Read"/> reads, rm_programs as <c>p</c>, with 0 for both counts. Other query classes put them
    /// after their own columns to read a row and its program in one round trip (<see cref="ChequeQueries.WithProgramAsync"/>).
    /// </summary>
    internal const string ColumnsWithoutCounts = Columns + ", 0, 0";

    // Counting 100,000 households costs milliseconds: only the staff views ask for it, not the resident's pages.
    private const string Counts = """
        (select count(*)::int from rm_households h where h.program_id = p.id),
        (select count(*)::int from rm_cheques c where c.program_id = p.id and c.replaces_cheque_id is null)
        """;

    private const string Select = $"select {Columns}, {Counts} from rm_programs p";

    private const string SelectWithoutCounts = $"select {ColumnsWithoutCounts} from rm_programs p";

    /// <param name="withCounts">False leaves <see cref="ProgramRow.Households"/> and <see cref="ProgramRow.Cheques"/> at 0 and is cheap.</param>
    public static async Task<IReadOnlyList<ProgramRow>> ListAsync(NpgsqlDataSource db, CancellationToken ct = default, bool withCounts = true)
    {
        await using var cmd = db.CreateCommand((withCounts ? Select : SelectWithoutCounts) + " order by p.created_at desc, p.id");
        return await ReadAllAsync(cmd, ct);
    }

    /// <param name="withCounts">False leaves <see cref="ProgramRow.Households"/> and <see cref="ProgramRow.Cheques"/> at 0 and is cheap.</param>
    public static async Task<ProgramRow?> GetAsync(NpgsqlDataSource db, Guid id, CancellationToken ct = default, bool withCounts = true)
    {
        await using var cmd = db.CreateCommand((withCounts ? Select : SelectWithoutCounts) + " where p.id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }

    public static async Task<bool> AnyAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select exists (select 1 from rm_programs)");
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<IReadOnlyList<ProgramRow>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<ProgramRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(Read(r));
        return rows;
    }

    /// <summary>A program from the reader's current row, its columns starting at <paramref name="first"/>.</summary>
    internal static ProgramRow Read(NpgsqlDataReader r, int first = 0) => new(r.GetGuid(first), r.GetString(first + 1),
        r.GetString(first + 2), JsonSerializer.Deserialize<List<Buurt>>(r.GetString(first + 3), JsonSerializerOptions.Web)!,
        r.GetInt64(first + 4), r.GetFieldValue<DateTimeOffset>(first + 5), r.GetFieldValue<DateTimeOffset>(first + 6),
        JsonSerializer.Deserialize<ProgramRules>(r.GetString(first + 7), JsonSerializerOptions.Web)!, r.GetString(first + 8),
        r.GetFieldValue<DateTimeOffset>(first + 9), r.GetInt32(first + 10), r.GetInt32(first + 11));
}
