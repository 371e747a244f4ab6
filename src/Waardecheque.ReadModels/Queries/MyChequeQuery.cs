using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>
/// What <c>/mijn-cheque</c> shows (<see cref="MyChequeQuery.ReadAsync"/>). <see cref="HasTopUps"/>: whether the household
/// ever topped up (then the page reads its top-ups; most never do).
/// </summary>
public sealed record MyChequePage(ChequeRow Cheque, ProgramRow Program, IReadOnlyList<HouseholdPledge> Pledges,
    IReadOnlyList<IdeaRow> Ideas, bool HasTopUps);

/// <summary>The resident's own page in one round trip, from the same SQL and readers as the query classes' single reads.</summary>
public static class MyChequeQuery
{
    /// <summary>Whether the cheque's household ever topped up, keyed by the cheque alone for the batch.</summary>
    private const string HasTopUpsSql = """
        select exists (select 1 from rm_topups t where t.household_id = c.household_id)
        from rm_cheques c where c.id = $1
        """;

    /// <summary>
    /// The cheque with its program (<see cref="ChequeQueries.WithProgramAsync"/>), the household's pledges
    /// (<see cref="ChequeQueries.PledgesOfChequeAsync"/>), the ideas it can see (<see cref="IdeaQueries.VisibleToChequeAsync"/>)
    /// and whether it ever topped up, as one <see cref="NpgsqlBatch"/>: each query is keyed by the cheque id only. Null
    /// when the cheque is gone. Separate round trips were most of the page's cost (docs/benchmarks.md, "cheque page").
    /// </summary>
    public static async Task<MyChequePage?> ReadAsync(NpgsqlDataSource db, Guid chequeId, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        foreach (var sql in (ReadOnlySpan<string>)[ChequeQueries.SelectWithProgram, ChequeQueries.PledgesOfChequeSql,
                     IdeaQueries.VisibleToChequeSql, HasTopUpsSql])
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = chequeId });
            batch.BatchCommands.Add(cmd);
        }
        await using var r = await batch.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var (cheque, program) = ChequeQueries.ReadWithProgram(r);
        await r.NextResultAsync(ct);
        var pledges = await ChequeQueries.ReadPledgesAsync(r, ct);
        await r.NextResultAsync(ct);
        var ideas = await IdeaQueries.ReadVisibleAsync(r, cheque, ct);
        await r.NextResultAsync(ct);
        var hasTopUps = await r.ReadAsync(ct) && r.GetBoolean(0);
        return new MyChequePage(cheque, program, pledges, ideas, hasTopUps);
    }
}
