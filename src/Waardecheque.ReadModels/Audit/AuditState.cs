using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Ledger;

namespace Waardecheque.ReadModels.Audit;

/// <summary>
/// Loads a program's books from the audit tables as far as the next events need them (Books' partial state): the
/// totals and counts, every buurt and idea, and the cheques, households and (idea, household) pledges named by
/// <see cref="BooksKeys"/> plus the households of those cheques. A key that has no row is absent, as in the full books.
/// One round trip (one <see cref="NpgsqlBatch"/>), inside the caller's transaction so the rows match its checkpoint.
/// </summary>
internal static class AuditState
{
    public static async Task<Books> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid programId, BooksKeys keys, CancellationToken ct)
    {
        var pairs = keys.IdeaPledges.ToArray();
        await using var batch = new NpgsqlBatch(conn, tx);
        Add(batch, """
            select closed, issued_cents, activated_cents, available_cents, pledged_open_cents, committed_cents, spent_cents,
                returned_cents, expired_cents, topped_up_cents, refunded_cents, households, activated_households, pledging_households
            from rm_audit_programs where program_id = $1
            """, programId);
        Add(batch, """
            select code, name, households, cheques, issued_cents, activated, pledging, ideas, funded
            from rm_audit_buurten where program_id = $1
            """, programId);
        Add(batch, """
            select idea_id, title, buurt_code, target_cents, state, pledged_cents, topped_up_cents, refunded_cents, spent_cents,
                returned_cents, households, accepted_top_ups
            from rm_audit_ideas where program_id = $1
            """, programId);
        Add(batch, "select cheque_id, household_id, buurt_code, balance_cents, activated from rm_audit_cheques where cheque_id = any($1)",
            keys.Cheques.ToArray());
        Add(batch, """
            select household_id, issued_cents, activated, pledging from rm_audit_households
            where program_id = $1 and (household_id = any($2)
               or household_id in (select household_id from rm_audit_cheques where cheque_id = any($3)))
            """, programId, keys.Households.ToArray(), keys.Cheques.ToArray());
        Add(batch, """
            select p.idea_id, p.household_id, p.amount_cents
            from rm_audit_idea_pledges p join unnest($1::uuid[], $2::uuid[]) k (idea_id, household_id)
              on p.idea_id = k.idea_id and p.household_id = k.household_id
            """, pairs.Select(p => p.Idea).ToArray(), pairs.Select(p => p.Household).ToArray());

        await using var r = await batch.ExecuteReaderAsync(ct);
        var books = Books.Empty;
        if (await r.ReadAsync(ct))
        {
            books = books with
            {
                ProgramId = programId, Closed = r.GetBoolean(0), IssuedCents = r.GetInt64(1), ActivatedCents = r.GetInt64(2),
                AvailableCents = r.GetInt64(3), PledgedOpenCents = r.GetInt64(4), CommittedCents = r.GetInt64(5),
                SpentCents = r.GetInt64(6), ReturnedCents = r.GetInt64(7), ExpiredCents = r.GetInt64(8),
                ToppedUpCents = r.GetInt64(9), RefundedCents = r.GetInt64(10), Households = r.GetInt32(11),
                ActivatedCount = r.GetInt32(12), PledgingCount = r.GetInt32(13),
            };
        }

        await r.NextResultAsync(ct);
        var buurten = ImmutableDictionary.CreateBuilder<string, BuurtEntry>();
        while (await r.ReadAsync(ct))
            buurten[r.GetString(0)] = new BuurtEntry(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64(4),
                r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8));

        await r.NextResultAsync(ct);
        var ideas = new Dictionary<Guid, IdeaEntry>();
        while (await r.ReadAsync(ct))
            ideas[r.GetGuid(0)] = new IdeaEntry(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), Enum.Parse<IdeaState>(r.GetString(4)),
                ImmutableDictionary<Guid, long>.Empty, r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9),
                [.. r.GetFieldValue<Guid[]>(11)], r.GetInt32(10));

        await r.NextResultAsync(ct);
        var cheques = ImmutableDictionary.CreateBuilder<Guid, ChequeEntry>();
        while (await r.ReadAsync(ct))
            cheques[r.GetGuid(0)] = new ChequeEntry(r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetBoolean(4));

        await r.NextResultAsync(ct);
        var issued = ImmutableDictionary.CreateBuilder<Guid, long>();
        var activated = ImmutableHashSet.CreateBuilder<Guid>();
        var pledging = ImmutableHashSet.CreateBuilder<Guid>();
        while (await r.ReadAsync(ct))
        {
            var household = r.GetGuid(0);
            if (!r.IsDBNull(1)) issued[household] = r.GetInt64(1);
            if (r.GetBoolean(2)) activated.Add(household);
            if (r.GetBoolean(3)) pledging.Add(household);
        }

        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var idea = r.GetGuid(0);
            if (ideas.TryGetValue(idea, out var entry))
                ideas[idea] = entry with { PledgedByHousehold = entry.PledgedByHousehold.SetItem(r.GetGuid(1), r.GetInt64(2)) };
        }

        return books with
        {
            Buurten = buurten.ToImmutable(),
            Ideas = ideas.ToImmutableDictionary(),
            Cheques = cheques.ToImmutable(),
            IssuedPerHousehold = issued.ToImmutable(),
            ActivatedHouseholds = activated.ToImmutable(),
            PledgingHouseholds = pledging.ToImmutable(),
        };
    }

    internal static void Add(NpgsqlBatch batch, string sql, params object[] args)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(Parameter(arg));
        batch.BatchCommands.Add(cmd);
    }

    /// <summary>Arrays get their PostgreSQL type spelled out, so an empty one is still uuid[], bigint[], ...</summary>
    internal static NpgsqlParameter Parameter(object? value) => value switch
    {
        Guid[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
        long[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
        bool[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean },
        string[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        long?[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
        null => new NpgsqlParameter { Value = DBNull.Value },
        _ => new NpgsqlParameter { Value = value },
    };
}
