using Npgsql;
using NpgsqlTypes;
using Waardecheque.Domain.Households;
using Waardecheque.EventStore;

namespace Waardecheque.ReadModels;

/// <summary>
/// rm_households: the exact addresses, for staff and for printing letters. Never shown to residents: resident views
/// read street and buurt from the cheque.
/// </summary>
public sealed class HouseholdsProjection : IStatementProjection
{
    public string Name => "households";

    public Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct) => SqlBatch.ExecuteAsync(conn, null, """
        create table if not exists rm_households (
            id uuid primary key, program_id uuid not null, postcode text not null, huisnummer int not null,
            huisletter text, toevoeging text, street text not null, buurt_code text not null);
        create index if not exists rm_households_program on rm_households (program_id, postcode, huisnummer);
        """, ct);

    public Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        SqlBatch.ExecuteAsync(conn, tx, "truncate rm_households", ct);

    /// <summary>Only imports write here (through <see cref="ApplyAsync"/>); other events need nothing, not even a round trip.</summary>
    public bool TryAddStatements(IReadOnlyList<IEvent> events, ICollection<NpgsqlBatchCommand> statements) =>
        !events.Any(e => e.Data is HouseholdsImported);

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var rows = events.Select(e => e.Data).OfType<HouseholdsImported>().SelectMany(e => e.Households).ToList();
        if (rows.Count == 0) return;
        // One statement for the whole batch: an import brings thousands of addresses at once.
        await using var cmd = new NpgsqlCommand("""
            insert into rm_households (id, program_id, postcode, huisnummer, huisletter, toevoeging, street, buurt_code)
            select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
            on conflict (id) do nothing
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.HouseholdId).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.ProgramId).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.Postcode).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.Huisnummer).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.Huisletter).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.Toevoeging).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.Street).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(h => h.BuurtCode).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
