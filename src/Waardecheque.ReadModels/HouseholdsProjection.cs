using NpgsqlTypes;
using Waardecheque.Domain.Households;
using JasperFx.Events;

namespace Waardecheque.ReadModels;

/// <summary>
/// rm_households: the exact addresses, for staff and for printing letters. Never shown to residents: resident views
/// read street and buurt from the cheque.
/// </summary>
public sealed class HouseholdsProjection : ReadModel
{
    public override string Name => "households";

    public override string SchemaSql => """
        create table if not exists rm_households (
            id uuid primary key, program_id uuid not null, postcode text not null, huisnummer int not null,
            huisletter text, toevoeging text, street text not null, buurt_code text not null);
        create index if not exists rm_households_program on rm_households (program_id, postcode, huisnummer);
        """;

    public override IReadOnlyList<string> Tables => ["rm_households"];

    /// <summary>Only imports write here: one statement for each, however many addresses it brings.</summary>
    internal override void Project(IReadOnlyList<IEvent> events, SqlBatch batch)
    {
        var rows = events.Select(e => e.Data).OfType<HouseholdsImported>().SelectMany(e => e.Households).ToList();
        if (rows.Count == 0) return;
        batch.Add("""
            insert into rm_households (id, program_id, postcode, huisnummer, huisletter, toevoeging, street, buurt_code)
            select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
            on conflict (id) do nothing
            """,
            SqlBatch.Array(rows.Select(h => h.HouseholdId).ToArray(), NpgsqlDbType.Uuid),
            SqlBatch.Array(rows.Select(h => h.ProgramId).ToArray(), NpgsqlDbType.Uuid),
            SqlBatch.Array(rows.Select(h => h.Postcode).ToArray(), NpgsqlDbType.Text),
            SqlBatch.Array(rows.Select(h => h.Huisnummer).ToArray(), NpgsqlDbType.Integer),
            SqlBatch.Array(rows.Select(h => h.Huisletter).ToArray(), NpgsqlDbType.Text),
            SqlBatch.Array(rows.Select(h => h.Toevoeging).ToArray(), NpgsqlDbType.Text),
            SqlBatch.Array(rows.Select(h => h.Street).ToArray(), NpgsqlDbType.Text),
            SqlBatch.Array(rows.Select(h => h.BuurtCode).ToArray(), NpgsqlDbType.Text));
    }
}
