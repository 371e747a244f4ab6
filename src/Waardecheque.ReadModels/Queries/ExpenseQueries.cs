using Npgsql;

namespace Waardecheque.ReadModels.Queries;

public sealed record ExpenseRow(Guid Id, Guid IdeaId, long AmountCents, string Payee, string Description, string ReceiptReference,
    Guid SubmittedByHouseholdId, Guid? SubmittedByStaffId, string State, DateTimeOffset SubmittedAt, Guid? DecidedByStaffId,
    string? Reason, string? PaymentReference);

/// <summary>Reads of rm_expenses. Expense routes carry no idea id: the expense's row says which idea it belongs to.</summary>
public static class ExpenseQueries
{
    private const string Select = """
        select id, idea_id, amount_cents, payee, description, receipt_reference, submitted_by_household_id, submitted_by_staff_id,
               state, submitted_at, decided_by_staff_id, reason, payment_reference
        from rm_expenses
        """;

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

    private static ExpenseRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetString(4),
        r.GetString(5), r.GetGuid(6), ChequeQueries.NullableGuid(r, 7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9),
        ChequeQueries.NullableGuid(r, 10), ChequeQueries.NullableString(r, 11), ChequeQueries.NullableString(r, 12));
}
