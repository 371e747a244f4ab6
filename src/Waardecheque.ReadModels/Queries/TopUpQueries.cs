using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>
/// A top-up as rm_topups keeps it: whose, for which idea, how much, and where its money stands. <see cref="State"/> is
/// the domain's <c>TopUpState</c> name (Started, Received, TurnedAway, RefundDue, Refunded, Expired, Failed).
/// </summary>
public sealed record TopUpRow(Guid Id, Guid IdeaId, Guid? ChequeId, Guid? HouseholdId, long AmountCents, string State,
    string? PaymentReference, string? RefundReference, long RefundedCents, int FailedRefunds, DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Reads of rm_topups.</summary>
public static class TopUpQueries
{
    private const string Select = """
        select id, idea_id, cheque_id, household_id, amount_cents, state, payment_reference, refund_reference, refunded_cents,
               failed_refunds, started_at, updated_at
        from rm_topups
        """;

    public static async Task<TopUpRow?> GetAsync(NpgsqlDataSource db, Guid id, CancellationToken ct = default) =>
        (await ListAsync(db, Select + " where id = $1", id, ct)).FirstOrDefault();

    /// <summary>A household's top-ups (all its cheques, a reissued one too), newest first.</summary>
    public static Task<IReadOnlyList<TopUpRow>> OfHouseholdAsync(NpgsqlDataSource db, Guid householdId, CancellationToken ct = default) =>
        ListAsync(db, Select + " where household_id = $1 order by started_at desc, id desc", householdId, ct);

    public static Task<IReadOnlyList<TopUpRow>> OfChequeAsync(NpgsqlDataSource db, Guid chequeId, CancellationToken ct = default) =>
        ListAsync(db, Select + " where cheque_id = $1 order by started_at desc, id desc", chequeId, ct);

    public static Task<IReadOnlyList<TopUpRow>> OfIdeaAsync(NpgsqlDataSource db, Guid ideaId, CancellationToken ct = default) =>
        ListAsync(db, Select + " where idea_id = $1 order by started_at desc, id desc", ideaId, ct);

    /// <summary>The top-up a Stripe payment intent paid (refund events name only the payment intent).</summary>
    public static async Task<TopUpRow?> ByPaymentAsync(NpgsqlDataSource db, string paymentReference, CancellationToken ct = default) =>
        (await ListAsync(db, Select + " where payment_reference = $1", paymentReference, ct)).FirstOrDefault();

    /// <summary>Paid top-ups still waiting for their refund (for a sweep and for the dashboard).</summary>
    public static Task<IReadOnlyList<TopUpRow>> AwaitingRefundAsync(NpgsqlDataSource db, CancellationToken ct = default) =>
        ListAsync(db, Select + " where state = any($1) order by updated_at", new[] { "RefundDue", "TurnedAway" }, ct);

    private static async Task<IReadOnlyList<TopUpRow>> ListAsync(NpgsqlDataSource db, string sql, object arg, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        var rows = new List<TopUpRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new TopUpRow(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3),
                r.GetInt64(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.GetInt64(8), r.GetInt32(9), r.GetFieldValue<DateTimeOffset>(10), r.GetFieldValue<DateTimeOffset>(11)));
        return rows;
    }
}
