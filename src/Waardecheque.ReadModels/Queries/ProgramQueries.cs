using System.Text.Json;
using Npgsql;
using Waardecheque.Domain.Programs;

namespace Waardecheque.ReadModels.Queries;

/// <summary>A program as rm_programs keeps it, with how many households and first cheques it has.</summary>
public sealed record ProgramRow(Guid Id, string Name, string MunicipalityCode, IReadOnlyList<Buurt> Buurten, long ChequeValueCents,
    DateTimeOffset OpensAt, DateTimeOffset ClosesAt, ProgramRules Rules, string State, DateTimeOffset CreatedAt, int Households, int Cheques)
{
    public string? BuurtName(string code) =>
        Buurten.FirstOrDefault(b => string.Equals(b.Code, code, StringComparison.OrdinalIgnoreCase))?.Name;
}

/// <summary>Reads of rm_programs for the API and the pages.</summary>
public static class ProgramQueries
{
    private const string Columns = """
        select p.id, p.name, p.municipality_code, p.buurten::text, p.cheque_value_cents, p.opens_at, p.closes_at, p.rules::text,
               p.state, p.created_at,
        """;

    // Counting 100,000 households costs milliseconds: only the staff views ask for it, not the resident's pages.
    private const string Select = Columns + """
               (select count(*)::int from rm_households h where h.program_id = p.id),
               (select count(*)::int from rm_cheques c where c.program_id = p.id and c.replaces_cheque_id is null)
        from rm_programs p
        """;

    private const string SelectWithoutCounts = Columns + " 0, 0 from rm_programs p";

    public static async Task<IReadOnlyList<ProgramRow>> ListAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " order by p.created_at desc, p.id");
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
        while (await r.ReadAsync(ct))
        {
            rows.Add(new ProgramRow(r.GetGuid(0), r.GetString(1), r.GetString(2),
                JsonSerializer.Deserialize<List<Buurt>>(r.GetString(3), JsonSerializerOptions.Web)!, r.GetInt64(4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6),
                JsonSerializer.Deserialize<ProgramRules>(r.GetString(7), JsonSerializerOptions.Web)!, r.GetString(8),
                r.GetFieldValue<DateTimeOffset>(9), r.GetInt32(10), r.GetInt32(11)));
        }
        return rows;
    }
}
