using System.Text;
using Npgsql;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.ReadModels.Queries;

/// <summary>An idea as rm_ideas keeps it: public facts and totals, plus who proposed it (for staff and the initiator).</summary>
public sealed record IdeaRow(Guid Id, Guid ProgramId, string Title, string Description, string ScopeKind, string BuurtCode, string? Street,
    long TargetCents, long PledgedCents, long ToppedUpCents, int Households, DateTimeOffset Deadline, string State,
    Guid InitiatorChequeId, Guid InitiatorHouseholdId, DateTimeOffset ProposedAt, string? DecisionReason, long SpentCents,
    long ReturnedCents)
{
    /// <summary>Where the idea is for, as the domain's rules see it (<see cref="Waardecheque.Domain.Ideas.Scope.Includes"/>).</summary>
    public Scope Scope => new(Enum.Parse<ScopeKind>(ScopeKind), BuurtCode, Street);

    /// <summary>What the idea has so far: pledged credit and households' own top-ups.</summary>
    public long TotalCents => PledgedCents + ToppedUpCents;

    /// <summary>How far to the target, 0 to 100, rounded down (a progress bar's width).</summary>
    public int Percent => TargetCents <= 0 ? 0 : (int)Math.Min(100, TotalCents * 100 / TargetCents);
}

/// <summary>
/// Which ideas a list shows. <see cref="VisibleStates"/> limits the states anyone may see (null: all, for staff);
/// <see cref="AlsoOfHousehold"/> adds that household's own ideas whatever their state (an initiator sees their
/// proposal while it waits for a connector).
/// </summary>
public sealed record IdeaFilter(string? BuurtCode = null, string? Street = null, IReadOnlyList<string>? States = null,
    IReadOnlyList<string>? VisibleStates = null, Guid? AlsoOfHousehold = null);

/// <summary>One household's pledge to an idea (for staff; residents never see other households).</summary>
public sealed record IdeaPledgeRow(Guid HouseholdId, Guid ChequeId, long AmountCents, bool Released);

/// <summary>Reads of rm_ideas and rm_pledges.</summary>
public static class IdeaQueries
{
    /// <summary>The columns <see cref="Read"/> reads, rm_ideas as <c>i</c> (queries that join rm_cheques share column names with it).</summary>
    private const string Columns = """
        i.id, i.program_id, i.title, i.description, i.scope_kind, i.buurt_code, i.street, i.target_cents, i.pledged_cents,
        i.topped_up_cents, i.households, i.deadline, i.state, i.initiator_cheque_id, i.initiator_household_id, i.proposed_at,
        i.decision_reason, i.spent_cents, i.returned_cents
        """;

    private const string Select = $"select {Columns} from rm_ideas i";

    /// <summary>
    /// The ideas the household of cheque $1 can see in its buurt: public ones (open, funded, completed) and its own,
    /// open ones first, then by deadline. Keyed by the cheque alone (program, buurt and household come from its row),
    /// so it can ride in <see cref="MyChequeQuery"/>'s batch; street ideas of other streets are left out by
    /// <see cref="ReadVisibleAsync"/>.
    /// </summary>
    internal const string VisibleToChequeSql = $"""
        select {Columns}
        from rm_ideas i join rm_cheques c on c.id = $1
        where i.program_id = c.program_id and upper(i.buurt_code) = upper(c.buurt_code)
          and (i.state in ('Open', 'Funded', 'Completed') or i.initiator_household_id = c.household_id)
        order by case i.state when 'Open' then 0 when 'Submitted' then 1 when 'Funded' then 2 else 3 end, i.deadline
        """;

    public static async Task<IReadOnlyList<IdeaRow>> ListAsync(NpgsqlDataSource db, Guid programId, IdeaFilter filter,
        CancellationToken ct = default)
    {
        var sql = new StringBuilder(Select).Append(" where program_id = $1");
        var cmd = db.CreateCommand();
        await using var _ = cmd;
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        string Next(object value)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            return "$" + cmd.Parameters.Count;
        }
        if (filter.BuurtCode is { Length: > 0 } buurt) sql.Append($" and upper(buurt_code) = upper({Next(buurt)})");
        // Street ideas of that street; streets compare like the rules do (spaces collapsed, case ignored).
        if (filter.Street is { Length: > 0 } street)
            sql.Append($" and scope_kind = 'Street' and lower(regexp_replace(btrim(street), '\\s+', ' ', 'g')) = lower({Next(Collapse(street))})");
        if (filter.States is { Count: > 0 } states) sql.Append($" and state = any({Next(states.ToArray())})");
        if (filter.VisibleStates is { } visible)
        {
            sql.Append($" and (state = any({Next(visible.ToArray())})");
            if (filter.AlsoOfHousehold is { } household) sql.Append($" or initiator_household_id = {Next(household)}");
            sql.Append(')');
        }
        sql.Append(" order by proposed_at desc, id desc");
        cmd.CommandText = sql.ToString();
        var rows = new List<IdeaRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(Read(r));
        return rows;
    }

    public static async Task<IdeaRow?> GetAsync(NpgsqlDataSource db, Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>The ideas the cheque's household can see (<see cref="VisibleToChequeSql"/>), for the resident's and the walk-in pages.</summary>
    public static async Task<IReadOnlyList<IdeaRow>> VisibleToChequeAsync(NpgsqlDataSource db, ChequeRow cheque, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(VisibleToChequeSql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = cheque.Id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadVisibleAsync(r, cheque, ct);
    }

    /// <summary>The rows of <see cref="VisibleToChequeSql"/> without street ideas of other streets than the cheque's.</summary>
    internal static async Task<IReadOnlyList<IdeaRow>> ReadVisibleAsync(NpgsqlDataReader r, ChequeRow cheque, CancellationToken ct)
    {
        var rows = new List<IdeaRow>();
        while (await r.ReadAsync(ct))
        {
            var idea = Read(r);
            // Streets compare as the rules compare them (AddressRules.SameStreet), which SQL does not say as simply.
            if (idea.Scope.Includes(cheque.Street, cheque.BuurtCode)) rows.Add(idea);
        }
        return rows;
    }

    /// <summary>Every idea in one state, oldest proposal first (staff's moderation queue).</summary>
    public static async Task<IReadOnlyList<IdeaRow>> InStateAsync(NpgsqlDataSource db, string state, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " where state = $1 order by proposed_at");
        cmd.Parameters.Add(new NpgsqlParameter { Value = state });
        var rows = new List<IdeaRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(Read(r));
        return rows;
    }

    /// <summary>What the household of a cheque (any of its cheques) has pledged to an idea and not taken back.</summary>
    public static async Task<long> PledgedByHouseholdOfChequeAsync(NpgsqlDataSource db, Guid ideaId, Guid chequeId,
        CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select coalesce(sum(amount_cents), 0)::bigint from rm_pledges
            where idea_id = $1 and not released and household_id = (select household_id from rm_cheques where id = $2)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ideaId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<IReadOnlyList<IdeaPledgeRow>> PledgesAsync(NpgsqlDataSource db, Guid ideaId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select household_id, cheque_id, amount_cents, released from rm_pledges where idea_id = $1 order by household_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ideaId });
        var rows = new List<IdeaPledgeRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(new IdeaPledgeRow(r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetBoolean(3)));
        return rows;
    }

    private static string Collapse(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static IdeaRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetString(5), ChequeQueries.NullableString(r, 6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt32(10),
        r.GetFieldValue<DateTimeOffset>(11), r.GetString(12), r.GetGuid(13), r.GetGuid(14), r.GetFieldValue<DateTimeOffset>(15),
        ChequeQueries.NullableString(r, 16), r.GetInt64(17), r.GetInt64(18));
}
