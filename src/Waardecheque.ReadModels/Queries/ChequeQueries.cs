using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>
/// A cheque as rm_cheques keeps it, with its program's state (a cheque of a closed program is expired whatever its
/// own row says). Street and buurt only: the exact address is in <see cref="HouseholdAddress"/>, for staff.
/// </summary>
public sealed record ChequeRow(Guid Id, Guid ProgramId, Guid HouseholdId, string State, long ValueCents, long AvailableCents,
    string Street, string BuurtCode, DateTimeOffset IssuedAt, DateTimeOffset? ActivatedAt, Guid? ReplacesChequeId,
    Guid? ReplacedByChequeId, string? BlockedReason, string ProgramState)
{
    /// <summary>The state every rule sees: Expired once the program has closed.</summary>
    public string EffectiveState => EffectiveStateOf(State, ProgramState);

    /// <summary>A cheque's state as the rules see it, from its own row's state and its program's.</summary>
    public static string EffectiveStateOf(string chequeState, string programState) => programState == "Closed" ? "Expired" : chequeState;
}

public sealed record HouseholdAddress(Guid Id, Guid ProgramId, string Postcode, int Huisnummer, string? Huisletter, string? Toevoeging,
    string Street, string BuurtCode)
{
    public string Line => LineOf(Street, Huisnummer, Huisletter, Toevoeging);

    /// <summary>"Rozentuin 12 A-2": street, number, huisletter and toevoeging as a Dutch address line (on letters and for staff).</summary>
    public static string LineOf(string street, int huisnummer, string? huisletter, string? toevoeging) =>
        $"{street} {huisnummer}{(huisletter is null ? "" : " " + huisletter)}{(toevoeging is null ? "" : "-" + toevoeging)}";
}

/// <summary>One household's pledge to one idea (all its cheques together), with the idea's state.</summary>
public sealed record HouseholdPledge(Guid IdeaId, string Title, string IdeaState, long AmountCents, bool Released);

/// <summary>A cheque with its program, read in one round trip (<see cref="ChequeQueries.WithProgramAsync"/>; the program without counts).</summary>
public sealed record ChequeWithProgram(ChequeRow Cheque, ProgramRow Program);

/// <summary>A cheque of a household at an address, for staff who block or replace a lost one (state as every rule sees it).</summary>
public sealed record AddressCheque(Guid ChequeId, string Address, string State, long AvailableCents, long ValueCents);

/// <summary>Reads of rm_cheques and rm_households.</summary>
public static class ChequeQueries
{
    /// <summary>The columns <see cref="Read"/> reads; the program's state comes along for <see cref="ChequeRow.EffectiveState"/>.</summary>
    private const string Columns = """
        c.id, c.program_id, c.household_id, c.state, c.value_cents, c.available_cents, c.street, c.buurt_code,
        c.issued_at, c.activated_at, c.replaces_cheque_id, c.replaced_by_cheque_id, c.blocked_reason, p.state
        """;

    /// <summary>How many columns <see cref="Columns"/> has: the program's columns start after them in <see cref="SelectWithProgram"/>.</summary>
    private const int ColumnCount = 14;

    private const string From = "from rm_cheques c join rm_programs p on p.id = c.program_id";

    private const string Select = $"select {Columns} {From}";

    /// <summary>
    /// A cheque and its program by the cheque's id ($1), for <see cref="WithProgramAsync"/> and the batch of
    /// <see cref="MyChequeQuery"/>.
    /// </summary>
    internal const string SelectWithProgram = $"select {Columns}, {ProgramQueries.ColumnsWithoutCounts} {From} where c.id = $1";

    public static async Task<ChequeRow?> GetAsync(NpgsqlDataSource db, Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " where c.id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>Log-in by code: the code's keyed <see cref="Waardecheque.Domain.Cheques.CodeLookup"/> value is the only form in which a code is stored.</summary>
    public static async Task<ChequeRow?> FindByCodeLookupAsync(NpgsqlDataSource db, byte[] codeLookup, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " where c.code_lookup = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = codeLookup });
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>The cheque with its program in one round trip: every resident page starts here.</summary>
    public static async Task<ChequeWithProgram?> WithProgramAsync(NpgsqlDataSource db, Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(SelectWithProgram);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadWithProgram(r) : null;
    }

    /// <summary>
    /// Every cheque of the households at an address (postcode and house number; several when letters or additions differ),
    /// or, with <paramref name="chequeId"/>, of that cheque's household: the old and the new after a reissue.
    /// </summary>
    public static async Task<IReadOnlyList<AddressCheque>> AtAddressAsync(NpgsqlDataSource db, Guid programId, string? postcode,
        int huisnummer, Guid? chequeId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select c.id, h.street, h.huisnummer, h.huisletter, h.toevoeging, h.postcode, c.state, c.available_cents, c.value_cents, p.state
            from rm_households h join rm_cheques c on c.household_id = h.id and c.program_id = h.program_id
                 join rm_programs p on p.id = h.program_id
            where h.program_id = $1
              and (($4::uuid is null and h.postcode = $2 and h.huisnummer = $3)
                   or h.id = (select household_id from rm_cheques where id = $4))
            order by h.huisletter nulls first, h.toevoeging nulls first, c.issued_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)postcode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = huisnummer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)chequeId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var rows = new List<AddressCheque>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var line = HouseholdAddress.LineOf(r.GetString(1), r.GetInt32(2), NullableString(r, 3), NullableString(r, 4));
            rows.Add(new AddressCheque(r.GetGuid(0), $"{line}, {r.GetString(5)}", ChequeRow.EffectiveStateOf(r.GetString(6), r.GetString(9)),
                r.GetInt64(7), r.GetInt64(8)));
        }
        return rows;
    }

    /// <summary>The cheque whose code has this keyed lookup value (sign-in by code), or null: its id only, as cheap as it gets.</summary>
    public static async Task<Guid?> IdByCodeLookupAsync(NpgsqlDataSource db, byte[] codeLookup, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select id from rm_cheques where code_lookup = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = codeLookup });
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }

    public static async Task<HouseholdAddress?> AddressAsync(NpgsqlDataSource db, Guid householdId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select id, program_id, postcode, huisnummer, huisletter, toevoeging, street, buurt_code from rm_households where id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = householdId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new HouseholdAddress(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt32(3), NullableString(r, 4),
            NullableString(r, 5), r.GetString(6), r.GetString(7));
    }

    /// <summary>The columns <see cref="ReadPledgesAsync"/> reads.</summary>
    private const string SelectPledges = """
        select i.id, i.title, i.state, p.amount_cents, p.released
        from rm_pledges p join rm_ideas i on i.id = p.idea_id
        """;

    /// <summary>Everything a household pledged in a program, from any of its cheques, newest idea first.</summary>
    public static async Task<IReadOnlyList<HouseholdPledge>> PledgesOfHouseholdAsync(NpgsqlDataSource db, Guid programId, Guid householdId,
        CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(SelectPledges + " where p.household_id = $1 and i.program_id = $2 order by i.proposed_at desc, i.id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = householdId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadPledgesAsync(r, ct);
    }

    /// <summary>
    /// What the household of cheque $1 pledged in the cheque's program, oldest idea first (the order of the resident's
    /// page). Keyed by the cheque alone, so it can ride in <see cref="MyChequeQuery"/>'s batch.
    /// </summary>
    internal const string PledgesOfChequeSql = $"""
        {SelectPledges}
        where p.household_id = (select household_id from rm_cheques where id = $1)
          and i.program_id = (select program_id from rm_cheques where id = $1)
        order by i.proposed_at
        """;

    /// <summary>The pledges of the cheque's household, as <c>/mijn-cheque</c> lists them (<see cref="PledgesOfChequeSql"/>).</summary>
    public static async Task<IReadOnlyList<HouseholdPledge>> PledgesOfChequeAsync(NpgsqlDataSource db, Guid chequeId,
        CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(PledgesOfChequeSql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadPledgesAsync(r, ct);
    }

    internal static async Task<IReadOnlyList<HouseholdPledge>> ReadPledgesAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var rows = new List<HouseholdPledge>();
        while (await r.ReadAsync(ct))
            rows.Add(new HouseholdPledge(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetBoolean(4)));
        return rows;
    }

    private static async Task<ChequeRow?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    internal static ChequeRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetInt64(4),
        r.GetInt64(5), r.GetString(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8), NullableTime(r, 9), NullableGuid(r, 10),
        NullableGuid(r, 11), NullableString(r, 12), r.GetString(13));

    /// <summary>A row of <see cref="SelectWithProgram"/>.</summary>
    internal static ChequeWithProgram ReadWithProgram(NpgsqlDataReader r) => new(Read(r), ProgramQueries.Read(r, first: ColumnCount));

    internal static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    internal static Guid? NullableGuid(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);
    internal static DateTimeOffset? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
