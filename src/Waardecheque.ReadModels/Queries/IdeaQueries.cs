using System.Text;
using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>An idea as rm_ideas keeps it: public facts and totals, plus who proposed it (for staff and the initiator).</summary>
public sealed record IdeaRow(Guid Id, Guid ProgramId, string Title, string Description, string ScopeKind, string BuurtCode, string? Street,
    long TargetCents, long PledgedCents, long ToppedUpCents, int Households, DateTimeOffset Deadline, string State,
    Guid InitiatorChequeId, Guid InitiatorHouseholdId, DateTimeOffset ProposedAt, string? DecisionReason, long SpentCents,
    long ReturnedCents);

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
    private const string Select = """
        select id, program_id, title, description, scope_kind, buurt_code, street, target_cents, pledged_cents, topped_up_cents,
               households, deadline, state, initiator_cheque_id, initiator_household_id, proposed_at, decision_reason,
               spent_cents, returned_cents
        from rm_ideas
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
