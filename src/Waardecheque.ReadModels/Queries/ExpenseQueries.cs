using Npgsql;

namespace Waardecheque.ReadModels.Queries;

public sealed record ExpenseRow(Guid Id, Guid IdeaId, long AmountCents, string Payee, string Description, string ReceiptReference,
    Guid SubmittedByHouseholdId, Guid? SubmittedByStaffId, string State, DateTimeOffset SubmittedAt, Guid? DecidedByStaffId,
    string? Reason, string? PaymentReference);

/// <summary>An expense with the title of its idea, for staff's queue (which lists expenses of many ideas).</summary>
public sealed record ExpenseWithIdea(ExpenseRow Expense, string IdeaTitle);

/// <summary>Reads of rm_expenses. Expense routes carry no idea id: the expense's row says which idea it belongs to.</summary>
public static class ExpenseQueries
{
    /// <summary>The columns <see cref="Read"/> reads, rm_expenses as <c>e</c> (rm_ideas shares column names with it).</summary>
    private const string Columns = """
        e.id, e.idea_id, e.amount_cents, e.payee, e.description, e.receipt_reference, e.submitted_by_household_id,
        e.submitted_by_staff_id, e.state, e.submitted_at, e.decided_by_staff_id, e.reason, e.payment_reference
        """;

    /// <summary>How many columns <see cref="Columns"/> has: joined columns follow them.</summary>
    private const int ColumnCount = 13;

    private const string Select = $"select {Columns} from rm_expenses e";

    public static async Task<ExpenseRow?> GetAsync(NpgsqlDataSource db, Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public static async Task<IReadOnlyList<ExpenseRow>> ForIdeaAsync(NpgsqlDataSource db, Guid ideaId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Select + " where idea_id = $1 order by submitted_at, id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ideaId });
        var rows = new List<ExpenseRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(Read(r));
        return rows;
    }

    /// <summary>Everything staff still have to do, oldest first: submitted (decide) and approved (pay).</summary>
    public static async Task<IReadOnlyList<ExpenseWithIdea>> OpenAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            select {Columns}, i.title
            from rm_expenses e join rm_ideas i on i.id = e.idea_id
            where e.state in ('Submitted', 'Approved')
            order by e.submitted_at
            """);
        var rows = new List<ExpenseWithIdea>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(new ExpenseWithIdea(Read(r), r.GetString(ColumnCount)));
        return rows;
    }

    private static ExpenseRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetString(4),
        r.GetString(5), r.GetGuid(6), ChequeQueries.NullableGuid(r, 7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9),
        ChequeQueries.NullableGuid(r, 10), ChequeQueries.NullableString(r, 11), ChequeQueries.NullableString(r, 12));
}
