using System.Text.Json;
using Npgsql;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Pages;

public sealed record ChequeView(Guid Id, Guid ProgramId, string State, long ValueCents, long AvailableCents, string Street,
    string BuurtCode, string BuurtName, ProgramView Program);

public sealed record ProgramView(Guid Id, string Name, string State, DateTimeOffset OpensAt, DateTimeOffset ClosesAt,
    IReadOnlyList<Buurt> Buurten, ProgramRules Rules, long ChequeValueCents)
{
    public string BuurtName(string code) =>
        Buurten.FirstOrDefault(b => string.Equals(b.Code, code, StringComparison.OrdinalIgnoreCase))?.Name ?? code;
}

public sealed record IdeaView(Guid Id, Guid ProgramId, string Title, string Description, Scope Scope, long TargetCents,
    long PledgedCents, long ToppedUpCents, int Households, DateTimeOffset Deadline, string State, Guid InitiatorChequeId,
    Guid InitiatorHouseholdId, string? DecisionReason, DateTimeOffset ProposedAt)
{
    public long TotalCents => PledgedCents + ToppedUpCents;
    public int Percent => TargetCents <= 0 ? 0 : (int)Math.Min(100, TotalCents * 100 / TargetCents);
}

public sealed record MyPledge(Guid IdeaId, string Title, string IdeaState, long AmountCents, bool Released);

/// <summary>What <c>/mijn-cheque</c> shows, read in one round trip (<see cref="PageQueries.MyChequePageAsync"/>).
/// <see cref="HasTopUps"/>: whether the household ever topped up (then the page reads its top-ups; most never do).</summary>
public sealed record MyChequePage(ChequeView Cheque, IReadOnlyList<MyPledge> Pledges, IReadOnlyList<IdeaView> Ideas, Guid HouseholdId,
    bool HasTopUps);

/// <summary>
/// The reads behind the pages, straight from the inline read models (rm_*). Whether a resident may see something is
/// decided here (own cheque only, ideas in scope); whether a resident may *do* something is the domain's.
/// </summary>
public sealed class PageQueries(StoreHolder holder)
{
    private NpgsqlDataSource Db => holder.Store.DataSource;

    /// <summary>The columns <see cref="ReadProgram"/> reads, in its order.</summary>
    private const string ProgramColumns = "id, name, state, opens_at, closes_at, buurten::text, rules::text, cheque_value_cents";

    private static readonly string ChequeWithProgram = $"""
        select {Prefixed(ProgramColumns, "p")},
               c.state, c.value_cents, c.available_cents, c.street, c.buurt_code
        from rm_cheques c join rm_programs p on p.id = c.program_id
        where c.id = $1
        """;

    /// <summary>A column list with a table alias on each column, for queries that join tables with the same column names.</summary>
    private static string Prefixed(string columns, string alias) =>
        string.Join(", ", columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => $"{alias}.{c}"));

    public async Task<ProgramView?> ProgramAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(
            $"select {ProgramColumns} from rm_programs where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadProgram(r) : null;
    }

    public async Task<IReadOnlyList<ProgramView>> ProgramsAsync(CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(
            $"select {ProgramColumns} from rm_programs order by created_at desc");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ProgramView>();
        while (await r.ReadAsync(ct)) list.Add(ReadProgram(r));
        return list;
    }

    private static ProgramView ReadProgram(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2),
        r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4),
        JsonSerializer.Deserialize<List<Buurt>>(r.GetString(5), JsonSerializerOptions.Web) ?? [],
        JsonSerializer.Deserialize<ProgramRules>(r.GetString(6), JsonSerializerOptions.Web) ?? ProgramRules.Default,
        r.GetInt64(7));

    /// <summary>The cheque with its program, in one round trip (every resident page starts here).</summary>
    public async Task<ChequeView?> ChequeAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(ChequeWithProgram);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadChequeAsync(r, id, ct);
    }

    private static async Task<ChequeView?> ReadChequeAsync(NpgsqlDataReader r, Guid id, CancellationToken ct)
    {
        if (!await r.ReadAsync(ct)) return null;
        var program = ReadProgram(r);
        var (state, value, available, street, buurt) = (r.GetString(8), r.GetInt64(9), r.GetInt64(10), r.GetString(11), r.GetString(12));
        // A closed program's cheques are expired whatever their own row says (Cheque.StateIn).
        if (program.State == "Closed") state = "Expired";
        return new ChequeView(id, program.Id, state, value, available, street, buurt, program.BuurtName(buurt), program);
    }

    /// <summary>Money this household has in open ideas (pledged) and in funded ideas (committed). Keyed by the cheque alone, so it can ride in <see cref="MyChequePageAsync"/>'s batch.</summary>
    private const string PledgesOfCheque = """
        select p.idea_id, i.title, i.state, p.amount_cents, p.released
        from rm_pledges p join rm_ideas i on i.id = p.idea_id
        where p.household_id = (select household_id from rm_cheques where id = $1)
          and i.program_id = (select program_id from rm_cheques where id = $1)
        order by i.proposed_at
        """;

    public async Task<IReadOnlyList<MyPledge>> PledgesOfAsync(Guid chequeId, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(PledgesOfCheque);
        cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadPledgesAsync(r, ct);
    }

    private static async Task<IReadOnlyList<MyPledge>> ReadPledgesAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var list = new List<MyPledge>();
        while (await r.ReadAsync(ct))
            list.Add(new MyPledge(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetBoolean(4)));
        return list;
    }

    private const string IdeaColumns = """
        id, program_id, title, description, scope_kind, buurt_code, street, target_cents, pledged_cents, topped_up_cents,
        households, deadline, state, initiator_cheque_id, initiator_household_id, decision_reason, proposed_at
        """;

    public async Task<IdeaView?> IdeaAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand($"select {IdeaColumns} from rm_ideas where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadIdea(r) : null;
    }

    /// <summary>
    /// The ideas a cheque's household can see: public ones (open, funded, completed) in its buurt, and its own. Keyed by
    /// the cheque alone (program, buurt and household come from its row), so it can ride in
    /// <see cref="MyChequePageAsync"/>'s batch; street ideas of other streets are left out in <see cref="ReadIdeasForAsync"/>.
    /// </summary>
    private static readonly string IdeasOfChequesBuurt = $"""
        select {Prefixed(IdeaColumns, "i")}
        from rm_ideas i join rm_cheques c on c.id = $1
        where i.program_id = c.program_id and upper(i.buurt_code) = upper(c.buurt_code)
          and (i.state in ('Open', 'Funded', 'Completed') or i.initiator_household_id = c.household_id)
        order by case i.state when 'Open' then 0 when 'Submitted' then 1 when 'Funded' then 2 else 3 end, i.deadline
        """;

    public async Task<IReadOnlyList<IdeaView>> IdeasForAsync(ChequeView cheque, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(IdeasOfChequesBuurt);
        cmd.Parameters.Add(new NpgsqlParameter { Value = cheque.Id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadIdeasForAsync(r, cheque, ct);
    }

    private static async Task<IReadOnlyList<IdeaView>> ReadIdeasForAsync(NpgsqlDataReader r, ChequeView cheque, CancellationToken ct)
    {
        var list = new List<IdeaView>();
        while (await r.ReadAsync(ct))
        {
            var idea = ReadIdea(r);
            if (idea.Scope.Includes(cheque.Street, cheque.BuurtCode)) list.Add(idea);   // street ideas of other streets stay out
        }
        return list;
    }

    /// <summary>
    /// Everything <c>/mijn-cheque</c> shows (the cheque with its program, the household's pledges, the buurt's ideas) in
    /// one round trip: the three queries go as one <see cref="NpgsqlBatch"/>, each keyed by the cheque id only. Null when
    /// the cheque is gone. Separate round trips were most of the page's cost (docs/benchmarks.md, "cheque page").
    /// </summary>
    public async Task<MyChequePage?> MyChequePageAsync(Guid chequeId, CancellationToken ct)
    {
        await using var batch = Db.CreateBatch();
        foreach (var sql in (ReadOnlySpan<string>)[ChequeWithProgram, PledgesOfCheque, IdeasOfChequesBuurt, HouseholdAndTopUpsOfCheque])
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
            batch.BatchCommands.Add(cmd);
        }
        await using var r = await batch.ExecuteReaderAsync(ct);
        if (await ReadChequeAsync(r, chequeId, ct) is not { } cheque) return null;
        await r.NextResultAsync(ct);
        var pledges = await ReadPledgesAsync(r, ct);
        await r.NextResultAsync(ct);
        var ideas = await ReadIdeasForAsync(r, cheque, ct);
        await r.NextResultAsync(ct);
        var (household, hasTopUps) = await r.ReadAsync(ct) ? (r.GetGuid(0), r.GetBoolean(1)) : (Guid.Empty, false);
        return new MyChequePage(cheque, pledges, ideas, household, hasTopUps);
    }

    /// <summary>The cheque's household and whether it ever topped up, keyed by the cheque alone for <see cref="MyChequePageAsync"/>'s batch.</summary>
    private const string HouseholdAndTopUpsOfCheque = """
        select c.household_id, exists (select 1 from rm_topups t where t.household_id = c.household_id)
        from rm_cheques c where c.id = $1
        """;

    public async Task<IReadOnlyList<IdeaView>> IdeasInStateAsync(string state, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand($"select {IdeaColumns} from rm_ideas where state = $1 order by proposed_at");
        cmd.Parameters.Add(new NpgsqlParameter { Value = state });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<IdeaView>();
        while (await r.ReadAsync(ct)) list.Add(ReadIdea(r));
        return list;
    }

    public async Task<long> PledgedByAsync(Guid ideaId, Guid chequeId, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("""
            select coalesce(sum(amount_cents), 0)::bigint from rm_pledges
            where idea_id = $1 and not released and household_id = (select household_id from rm_cheques where id = $2)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ideaId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<Guid> HouseholdOfAsync(Guid chequeId, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("select household_id from rm_cheques where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : Guid.Empty;
    }

    private static IdeaView ReadIdea(NpgsqlDataReader r)
    {
        var kind = Enum.Parse<ScopeKind>(r.GetString(4));
        var scope = new Scope(kind, r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6));
        return new IdeaView(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), scope, r.GetInt64(7), r.GetInt64(8),
            r.GetInt64(9), r.GetInt32(10), r.GetFieldValue<DateTimeOffset>(11), r.GetString(12), r.GetGuid(13), r.GetGuid(14),
            r.IsDBNull(15) ? null : r.GetString(15), r.GetFieldValue<DateTimeOffset>(16));
    }
}
