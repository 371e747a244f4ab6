using Npgsql;
using Waardecheque.Domain.Ideas;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// Forgets Stripe event ids once Stripe can no longer send those events. The id in <c>stripe_events</c> only answers a
/// second delivery of the same event with "duplicate" and spares the work; it is not what keeps money right. What an
/// event still means is decided by the top-up's stream (the domain's handlers): a payment is credited only while the
/// top-up is <c>Started</c> (a paid, turned-away or refunded one ignores it; money for a lapsed one is turned away and
/// refunded), a lapse applies only to a <c>Started</c> top-up, a refund only to one that awaits it, and each failed
/// refund counts once by its refund id. So an event that does come again after its id went changes nothing
/// (<c>TopUpRetentionTests</c> sends every event of a paid and a refunded top-up again to show it).
/// </summary>
internal sealed class StripeEventRetention(NpgsqlDataSource db, DbSchema schema, TimeProvider time) : IHousekeeping
{
    /// <summary>
    /// How long an event id is kept. Stripe retries an undelivered event for up to 3 days (live mode), and a person can
    /// resend one (dashboard, CLI) only while Stripe still has it: its docs say the events API lists the last 30 days,
    /// and we take that as the limit for resending too. Three times that leaves a wide margin should the limit be
    /// longer than documented.
    /// </summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(90);

    public string Name => "stripe events";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"delete from {schema.Table("stripe_events")} where received < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - Keep });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Blanks the payer's e-mail address in <c>topup_checkouts</c> once nothing can need it any more. The address is
/// personal data, given only so that Stripe's checkout can send a receipt; it is sent to Stripe when the checkout is
/// created, and again only when that creation is replayed under its idempotency key (a checkout still
/// <c>Started</c>). Every other column stays: the key and parameters make a retry idempotent, and the row is part of
/// what happened to the top-up.
/// </summary>
internal sealed class CheckoutEmailRetention(NpgsqlDataSource db, DbSchema schema, TimeProvider time) : IHousekeeping
{
    /// <summary>How long after the checkout was created the address is kept at least: long past the checkout's own 30
    /// minutes and Stripe's 3 days of webhook retries, so a resident who asks about a payment can still be found.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(30);

    /// <summary>
    /// The states of rm_topups (the domain's <see cref="TopUpState"/> names, as <c>TopUpQueries</c> reads them) in which
    /// the address can go: paid and counting, refunded, or never paid. Not <c>Started</c> (it can still be paid, and a
    /// replay of the checkout's creation sends the address again), nor <c>TurnedAway</c> or <c>RefundDue</c> (money is on
    /// its way back; should Stripe refuse the refund for good, a person makes it by hand and may have to reach the payer).
    /// A paid top-up whose idea fails later needs no address for its refund: refunds name only the payment.
    /// </summary>
    internal static readonly string[] Settled =
        [nameof(TopUpState.Received), nameof(TopUpState.Refunded), nameof(TopUpState.Expired), nameof(TopUpState.Failed)];

    public string Name => "top-up e-mail addresses";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // One statement: the state and the blanking are read and written together. A checkout without a row in
        // rm_topups (it is being rebuilt) keeps its address until the next hour.
        await using var command = db.CreateCommand($"""
            update {schema.Table("topup_checkouts")} c set email = null
            from {schema.Table("rm_topups")} t
            where t.id = c.top_up_id and c.email is not null and c.created < $1 and t.state = any($2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - Keep });
        command.Parameters.Add(new NpgsqlParameter { Value = Settled });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
