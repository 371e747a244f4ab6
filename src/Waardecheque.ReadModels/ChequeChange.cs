using NpgsqlTypes;

namespace Waardecheque.ReadModels;

/// <summary>
/// One cheque's net change over a run of events (<see cref="ChequesProjection"/>): the credit moved, and the last
/// value each event type set. Null means "not set": state, activated_at and replaced_by_cheque_id are never set to null
/// by an event, but a block's reason could be, hence its own flag.
/// </summary>
internal sealed class ChequeChange(Guid id)
{
    public Guid Id { get; } = id;
    public long Delta { get; set; }
    private string? _state;
    private DateTimeOffset? _activatedAt;
    private bool _blocked;
    private string? _blockedReason;
    private Guid? _replacedBy;

    public void Activate(DateTimeOffset at) => (_state, _activatedAt) = ("Activated", at.ToUniversalTime());

    public void Block(string? reason) => (_state, _blocked, _blockedReason) = ("Blocked", true, reason);

    public void Reissue(Guid newChequeId, long carriedCents)
    {
        (_state, _replacedBy) = ("Reissued", newChequeId);
        Delta -= carriedCents;
    }

    /// <summary>One update for all <paramref name="changes"/> (one per cheque: a row may be updated once per statement).</summary>
    public static void Add(IReadOnlyList<ChequeChange> changes, SqlBatch batch) => batch.Add("""
        update rm_cheques c set available_cents = c.available_cents + t.delta, state = coalesce(t.state, c.state),
            activated_at = coalesce(t.activated_at, c.activated_at),
            blocked_reason = case when t.blocked then t.blocked_reason else c.blocked_reason end,
            replaced_by_cheque_id = coalesce(t.replaced_by, c.replaced_by_cheque_id)
        from unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::boolean[], $6::text[], $7::uuid[])
             as t(id, delta, state, activated_at, blocked, blocked_reason, replaced_by)
        where c.id = t.id
        """,
        SqlBatch.Array(changes.Select(c => c.Id).ToArray(), NpgsqlDbType.Uuid),
        SqlBatch.Array(changes.Select(c => c.Delta).ToArray(), NpgsqlDbType.Bigint),
        SqlBatch.Array(changes.Select(c => c._state).ToArray(), NpgsqlDbType.Text),
        SqlBatch.Array(changes.Select(c => c._activatedAt).ToArray(), NpgsqlDbType.TimestampTz),
        SqlBatch.Array(changes.Select(c => c._blocked).ToArray(), NpgsqlDbType.Boolean),
        SqlBatch.Array(changes.Select(c => c._blockedReason).ToArray(), NpgsqlDbType.Text),
        SqlBatch.Array(changes.Select(c => c._replacedBy).ToArray(), NpgsqlDbType.Uuid));
}
