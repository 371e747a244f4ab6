using NpgsqlTypes;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.ReadModels;

/// <summary>
/// A run of <see cref="PledgeReceived"/> and <see cref="PledgeWithdrawn"/> (<see cref="IdeasProjection"/>), folded in
/// log order per (idea, household) and written as at most three statements: the deletes, the upserts, and each touched
/// idea's totals recounted once, instead of two statements per event (docs/benchmarks.md "rebuild", fix 2). The rows
/// come out as one statement per event left them: a withdrawal deletes the row, so what counts after it is only the
/// amount received since, on a fresh row; without one, the upsert adds to the row as before. The caller flushes before
/// any other event that writes the same idea's pledges or totals (its insert, a release), so those keep their order.
/// </summary>
internal sealed class PledgeFold
{
    private sealed class Net
    {
        public bool Deleted;
        public long Amount;
        public Guid? Cheque; // null: nothing received since the last withdrawal
    }

    private readonly Dictionary<(Guid Idea, Guid Household), Net> _net = [];
    private readonly List<(Guid Idea, Guid Household)> _keys = [];
    private readonly List<Guid> _ideas = [];
    private readonly HashSet<Guid> _pending = [];

    public void Receive(PledgeReceived p)
    {
        var net = Of(p.IdeaId, p.HouseholdId);
        net.Amount += p.AmountCents;
        net.Cheque = p.ChequeId;
    }

    public void Withdraw(PledgeWithdrawn w)
    {
        var net = Of(w.IdeaId, w.HouseholdId);
        (net.Deleted, net.Amount, net.Cheque) = (true, 0, null);
    }

    public void FlushIfPending(Guid idea, SqlBatch batch)
    {
        if (_pending.Contains(idea)) Flush(batch);
    }

    public void Flush(SqlBatch batch)
    {
        if (_keys.Count == 0) return;
        var deleted = _keys.Where(k => _net[k].Deleted).ToList();
        if (deleted.Count > 0) batch.Add("""
            delete from rm_pledges p using unnest($1::uuid[], $2::uuid[]) as t(idea_id, household_id)
            where p.idea_id = t.idea_id and p.household_id = t.household_id
            """,
            SqlBatch.Array(deleted.Select(k => k.Idea).ToArray(), NpgsqlDbType.Uuid),
            SqlBatch.Array(deleted.Select(k => k.Household).ToArray(), NpgsqlDbType.Uuid));
        var received = _keys.Where(k => _net[k].Cheque is not null).ToList();
        if (received.Count > 0) batch.Add("""
            insert into rm_pledges (idea_id, household_id, cheque_id, amount_cents)
            select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[])
            on conflict (idea_id, household_id) do update set amount_cents = rm_pledges.amount_cents + excluded.amount_cents,
                cheque_id = excluded.cheque_id, released = false
            """,
            SqlBatch.Array(received.Select(k => k.Idea).ToArray(), NpgsqlDbType.Uuid),
            SqlBatch.Array(received.Select(k => k.Household).ToArray(), NpgsqlDbType.Uuid),
            SqlBatch.Array(received.Select(k => _net[k].Cheque!.Value).ToArray(), NpgsqlDbType.Uuid),
            SqlBatch.Array(received.Select(k => _net[k].Amount).ToArray(), NpgsqlDbType.Bigint));
        // Recounted from rm_pledges rather than incremented, so the count of distinct households is always exact.
        batch.Add("""
            update rm_ideas i set pledged_cents = coalesce(p.total, 0), households = p.n
            from (select t.id, sum(r.amount_cents) total, count(r.idea_id)::int n
                  from unnest($1::uuid[]) as t(id) left join rm_pledges r on r.idea_id = t.id and not r.released
                  group by t.id) p
            where i.id = p.id
            """, SqlBatch.Array(_ideas.ToArray(), NpgsqlDbType.Uuid));
        _net.Clear();
        _keys.Clear();
        _ideas.Clear();
        _pending.Clear();
    }

    private Net Of(Guid idea, Guid household)
    {
        if (_net.TryGetValue((idea, household), out var net)) return net;
        _keys.Add((idea, household));
        if (_pending.Add(idea)) _ideas.Add(idea);
        return _net[(idea, household)] = new Net();
    }
}
