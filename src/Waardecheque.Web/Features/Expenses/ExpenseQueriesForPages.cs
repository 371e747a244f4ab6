using Npgsql;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Expenses;

public sealed record ExpenseView(Guid Id, Guid IdeaId, string IdeaTitle, long AmountCents, string Payee, string Description, string State,
    DateTimeOffset SubmittedAt, Guid? SubmittedByStaffId, string? Reason, string? PaymentReference, long BudgetCents);

/// <summary>The expenses the pages show, from rm_expenses (with their idea's title and budget).</summary>
public sealed class PageExpenses(StoreHolder holder)
{
    private const string Select = """
        select e.id, e.idea_id, i.title, e.amount_cents, e.payee, e.description, e.state, e.submitted_at, e.submitted_by_staff_id,
               e.reason, e.payment_reference, i.target_cents
        from rm_expenses e join rm_ideas i on i.id = e.idea_id
        """;

    public Task<IReadOnlyList<ExpenseView>> OfIdeaAsync(Guid ideaId, CancellationToken ct) =>
        ReadAsync($"{Select} where e.idea_id = $1 order by e.submitted_at", ideaId, ct);

    /// <summary>Everything staff still have to do: submitted (decide) and approved (pay).</summary>
    public Task<IReadOnlyList<ExpenseView>> OpenAsync(CancellationToken ct) =>
        ReadAsync($"{Select} where e.state in ('Submitted', 'Approved') order by e.submitted_at", null, ct);

    public async Task<ExpenseView?> GetAsync(Guid id, CancellationToken ct) =>
        (await ReadAsync($"{Select} where e.id = $1", id, ct)).FirstOrDefault();

    public async Task<string?> ReceiptReferenceAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = holder.Store.DataSource.CreateCommand("select receipt_reference from rm_expenses where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private async Task<IReadOnlyList<ExpenseView>> ReadAsync(string sql, Guid? id, CancellationToken ct)
    {
        await using var cmd = holder.Store.DataSource.CreateCommand(sql);
        if (id is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = id.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ExpenseView>();
        while (await r.ReadAsync(ct))
            list.Add(new ExpenseView(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetGuid(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? null : r.GetString(10), r.GetInt64(11)));
        return list;
    }
}
