using Npgsql;

namespace Waardecheque.ReadModels.Queries;

/// <summary>
/// How far issuing is, from what is stored (not from the process that issues), so it is right after a restart and
/// from any app process.
/// </summary>
/// <param name="Households">Addresses imported.</param>
/// <param name="Issued">Households that have a cheque: each gets exactly one first cheque (a reissue replaces it).</param>
/// <param name="IssuedCents">The value of those first cheques together.</param>
/// <param name="Current">Cheques in use or still to use (all but the replaced ones), as the page counted them before.</param>
/// <param name="Running">Whether a run holds the program's <see cref="IssuingLock"/> right now.</param>
public sealed record IssuingProgress(int Households, int Issued, long IssuedCents, int Current, bool Running)
{
    public bool Done => Households > 0 && Issued >= Households;
}

public static class IssuingQueries
{
    public static async Task<IssuingProgress> ProgressAsync(NpgsqlDataSource db, Guid programId, CancellationToken ct = default)
    {
        // The lock first, the counts after: a run that ends between the two is then seen done (its last batch counted),
        // never as "not running, nothing issued", which left the manage page without its progress and without reloading
        // (a three-household run can finish in that gap: it made a browser test flaky).
        var running = await IssuingLock.IsHeldAsync(db, programId, ct);
        await using var cmd = db.CreateCommand("""
            select (select count(*) from rm_households where program_id = $1)::int,
                   count(*) filter (where replaces_cheque_id is null)::int,
                   coalesce(sum(value_cents) filter (where replaces_cheque_id is null), 0)::bigint,
                   count(*) filter (where state <> 'Reissued')::int
            from rm_cheques where program_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        int households, issued, current;
        long cents;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (households, issued, cents, current) = (r.GetInt32(0), r.GetInt32(1), r.GetInt64(2), r.GetInt32(3));
        }
        return new IssuingProgress(households, issued, cents, current, running);
    }
}
