using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>What a top-up's Stripe Checkout was (or is to be) created with, and what Stripe answered.</summary>
public sealed record TopUpCheckoutRow(Guid TopUpId, string IdempotencyKey, string SuccessUrl, string CancelUrl, string? Email,
    string? SessionId, string? Url);

/// <summary>
/// Table <c>topup_checkouts</c>: one row per top-up, written BEFORE Stripe is called (the first caller's parameters
/// win), so that a retry after a crash sends the same parameters under the same idempotency key and Stripe replays the
/// same session. The session id and url are filled in after Stripe answered.
/// </summary>
public sealed class TopUpCheckouts(NpgsqlDataSource db, DbSchema schema)
{
    private readonly string _table = schema.Table("topup_checkouts");

    public static string KeyFor(Guid topUpId) => $"wc-checkout-{topUpId:N}";

    public async Task<TopUpCheckoutRow> RecordAsync(Guid topUpId, TopUpReturnUrls urls, string? email, CancellationToken ct)
    {
        await using (var insert = db.CreateCommand($"""
            insert into {_table} (top_up_id, idempotency_key, success_url, cancel_url, email, created)
            values ($1, $2, $3, $4, $5, now()) on conflict (top_up_id) do nothing
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = topUpId });
            insert.Parameters.Add(new NpgsqlParameter { Value = KeyFor(topUpId) });
            insert.Parameters.Add(new NpgsqlParameter { Value = urls.SuccessUrl });
            insert.Parameters.Add(new NpgsqlParameter { Value = urls.CancelUrl });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = email, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await insert.ExecuteNonQueryAsync(ct);
        }
        return await GetAsync(topUpId, ct) ?? throw new InvalidOperationException("checkout row vanished");
    }

    public async Task SetSessionAsync(Guid topUpId, string sessionId, string url, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"update {_table} set session_id = $2, url = $3 where top_up_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = topUpId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = url });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<TopUpCheckoutRow?> GetAsync(Guid topUpId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"select top_up_id, idempotency_key, success_url, cancel_url, email, session_id, url from {_table} where top_up_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = topUpId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new TopUpCheckoutRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6));
    }
}
