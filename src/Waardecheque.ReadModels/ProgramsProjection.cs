using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Waardecheque.Domain.Programs;
using JasperFx.Events;

namespace Waardecheque.ReadModels;

/// <summary>rm_programs: one row per program, for lists and for the pages that show a program's name and dates.</summary>
public sealed class ProgramsProjection : ReadModel
{
    public override string Name => "programs";

    public override string SchemaSql => """
        create table if not exists rm_programs (
            id uuid primary key, name text not null, municipality_code text not null, buurten jsonb not null,
            cheque_value_cents bigint not null, opens_at timestamptz not null, closes_at timestamptz not null,
            rules jsonb not null, state text not null, created_at timestamptz not null);
        """;

    public override IReadOnlyList<string> Tables => ["rm_programs"];

    internal override void Project(IReadOnlyList<IEvent> events, SqlBatch batch)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ProgramCreated c:
                    batch.Add("""
                        insert into rm_programs (id, name, municipality_code, buurten, cheque_value_cents, opens_at, closes_at, rules, state, created_at)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, 'Draft', $9) on conflict (id) do nothing
                        """, c.ProgramId, c.Name, c.MunicipalityCode, Json(c.Buurten), c.ChequeValueCents, c.OpensAt, c.ClosesAt,
                        Json(c.Rules), c.CreatedAt);
                    break;
                case ProgramOpened o: batch.Add("update rm_programs set state = 'Open' where id = $1", o.ProgramId); break;
                case ProgramClosed x: batch.Add("update rm_programs set state = 'Closed' where id = $1", x.ProgramId); break;
            }
        }
    }

    private static NpgsqlParameter Json(object value) =>
        new() { Value = JsonSerializer.Serialize(value, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb };
}
