using System.Runtime.CompilerServices;
using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>One letter to print: the household's exact address and the cheque whose code goes on it.</summary>
public sealed record LetterAddress(Guid ChequeId, string Street, int Huisnummer, string? Huisletter, string? Toevoeging, string Postcode)
{
    public string Line => HouseholdAddress.LineOf(Street, Huisnummer, Huisletter, Toevoeging);
}

public static class LetterQueries
{
    /// <summary>
    /// Every household's current cheque (Issued or Activated: not blocked, not replaced), ordered as a postman walks:
    /// street, number, letter, addition. Streamed, so 100,000 letters never sit in one list.
    /// </summary>
    public static async IAsyncEnumerable<LetterAddress> CurrentChequesAsync(NpgsqlDataSource db, Guid programId,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select c.id, h.street, h.huisnummer, h.huisletter, h.toevoeging, h.postcode
            from rm_households h join rm_cheques c on c.household_id = h.id and c.program_id = h.program_id
            where h.program_id = $1 and c.state in ('Issued', 'Activated')
            order by h.street, h.huisnummer, h.huisletter nulls first, h.toevoeging nulls first
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            yield return new LetterAddress(r.GetGuid(0), r.GetString(1), r.GetInt32(2), ChequeQueries.NullableString(r, 3),
                ChequeQueries.NullableString(r, 4), r.GetString(5));
    }
}
