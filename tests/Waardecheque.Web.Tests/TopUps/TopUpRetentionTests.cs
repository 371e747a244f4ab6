using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Ideas;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Web.Database;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.TopUps;

/// <summary>
/// The top-ups' hourly clean-ups: Stripe event ids older than Stripe can send them go, and the payer's e-mail address is
/// blanked once the top-up is settled and old enough. Rows are made old by SQL (the app's clock also drives the
/// sandbox's checkouts and the webhook signatures, so it is not moved here). After the ids are gone, every event of a
/// paid and of a refunded top-up is sent again: nothing is credited or refunded twice.
/// </summary>
public sealed class TopUpRetentionTests(TopUpRetentionTests.World w) : IClassFixture<TopUpRetentionTests.World>
{
    /// <summary>A top-up world whose refunds can be held just before Stripe, to keep a top-up in RefundDue.</summary>
    public sealed class World : TopUpWorld
    {
        public HeldRefunds Refunds { get; } = new();

        public World() => MoreServices = s => s.AddSingleton<IRefundCallHook>(Refunds);
    }

    public sealed class HeldRefunds : IRefundCallHook
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _held = new();

        public void Hold(Guid topUpId) => _held[topUpId] = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release(Guid topUpId)
        {
            if (_held.TryRemove(topUpId, out var gate)) gate.TrySetResult();
        }

        public async Task BeforeStripeAsync(RefundTopUp message, string idempotencyKey, CancellationToken ct)
        {
            if (_held.TryGetValue(message.TopUpId, out var gate)) await gate.Task.WaitAsync(ct);
        }
    }

    private IHousekeeping Job(string name) => w.App.Services.GetServices<IHousekeeping>().Single(h => h.Name == name);
    private IHousekeeping Events => Job("stripe events");
    private IHousekeeping Emails => Job("top-up e-mail addresses");

    [Fact]
    public async Task stripe_event_ids_older_than_the_window_go_and_recent_ones_stay()
    {
        // Stripe retries for 3 days and lets a person resend an event for 30: the window outlasts both.
        Assert.True(StripeEventRetention.Keep > TimeSpan.FromDays(30));
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (topUp, checkout) = await w.StartedAsync(idea, residents[0], 400);
        await w.PayAsync(checkout);
        await w.WaitForAsync(topUp, "paid");
        var delivered = await RememberedEventsAsync(topUp);
        // Two made-up ids a day either side of the window.
        var old = $"evt_old_{Guid.NewGuid():N}";
        var recent = $"evt_recent_{Guid.NewGuid():N}";
        await w.ScalarAsync($"insert into {w.Table("stripe_events")} (event_id, type, received) values ($1, 'test', now() - $3), ($2, 'test', now() - $4)",
            old, recent, StripeEventRetention.Keep + TimeSpan.FromDays(1), StripeEventRetention.Keep - TimeSpan.FromDays(1));

        Assert.Equal(1, await Events.RunAsync(CancellationToken.None));

        Assert.False(await RememberedAsync(old));
        Assert.True(await RememberedAsync(recent));
        foreach (var (id, _) in delivered) Assert.True(await RememberedAsync(id));
        Assert.Equal(0, await Events.RunAsync(CancellationToken.None));   // twice: nothing more to do
        Assert.True(await RememberedAsync(recent));
    }

    [Fact]
    public async Task events_sent_again_after_their_ids_were_forgotten_credit_and_refund_nothing_twice()
    {
        var (kept, keptResidents) = await w.OpenIdeaAsync(2000);
        var (paid, paidCheckout) = await w.StartedAsync(kept, keptResidents[1], 500);
        var (failing, failingResidents) = await w.OpenIdeaAsync(2000);
        var (refunded, refundedCheckout) = await w.StartedAsync(failing, failingResidents[1], 300);
        await w.PayAsync(paidCheckout);
        await w.PayAsync(refundedCheckout);
        await w.WaitForAsync(paid, "paid");
        await w.WaitForAsync(refunded, "paid");
        await w.PostJsonAsync($"/api/v1/ideas/{failing}/withdraw", failingResidents[0]);
        await w.WaitForAsync(refunded, "refunded");
        var events = (await RememberedEventsAsync(paid)).Concat(await RememberedEventsAsync(refunded)).ToList();
        Assert.Contains(events, e => e.Body.Contains("\"refund.updated\""));

        await AgeEventsAsync(events.Select(e => e.Id));
        Assert.Equal(events.Count, await Events.RunAsync(CancellationToken.None));

        // Stripe (or a person in its dashboard) sends each of them again, freshly signed: each reaches the domain.
        foreach (var (id, body) in events)
        {
            var outcome = (await ApiWorld.OkJsonAsync(await w.PostSignedWebhookAsync(body))).GetProperty("outcome").GetString();
            Assert.NotEqual("duplicate", outcome);
            Assert.True(await RememberedAsync(id));
        }
        await Task.Delay(500);   // a refund the replay might have started has had its chance

        var paidNow = await w.TopUpAsync(paid);
        Assert.Equal("paid", paidNow.GetProperty("state").GetString());
        Assert.Equal(500, (await w.IdeaAsync(kept)).GetProperty("toppedUpCents").GetInt64());
        Assert.Equal(1, await CountEventsAsync(kept, "top_up_received"));
        var refundedNow = await w.TopUpAsync(refunded);
        Assert.Equal(("refunded", 300L), (refundedNow.GetProperty("state").GetString(), refundedNow.GetProperty("refundedCents").GetInt64()));
        Assert.Equal(1, await CountEventsAsync(failing, "top_up_received"));
        Assert.Equal(1, await CountEventsAsync(failing, "top_up_refunded"));
        Assert.Equal(1, await w.SandboxRefundsAsync(await w.PaymentOfAsync(refunded)));
        Assert.Equal(0, await w.SandboxRefundsAsync(await w.PaymentOfAsync(paid)));
        var audit = await w.GetJsonAsync($"/api/v1/programs/{w.ProgramId}/audit", w.Auditor);
        Assert.True(audit.GetProperty("reconciles").GetBoolean(), audit.ToString());
    }

    [Fact]
    public async Task the_payers_address_is_blanked_once_the_top_up_is_settled_and_old_enough_and_kept_while_money_may_move()
    {
        var (idea, residents) = await w.OpenIdeaAsync(5000);
        var paidOld = await StartWithEmailAsync(idea, residents[0], 100);
        var paidRecent = await StartWithEmailAsync(idea, residents[1], 110);
        var pending = await StartWithEmailAsync(idea, residents[2], 120);
        var expired = await StartWithEmailAsync(idea, residents[0], 130);
        var failed = await StartWithEmailAsync(idea, residents[1], 140);
        await w.PayAsync(paidOld.CheckoutUrl);
        await w.PayAsync(paidRecent.CheckoutUrl);
        await w.Sandbox.ExpireSessionAsync(expired.CheckoutUrl[(expired.CheckoutUrl.LastIndexOf('/') + 1)..]);
        await ApiWorld.OkJsonAsync(await w.PostSignedWebhookAsync(AsyncPaymentFailed(failed.TopUpId)));
        await w.WaitForAsync(paidOld.TopUpId, "paid");
        await w.WaitForAsync(paidRecent.TopUpId, "paid");
        await w.WaitForAsync(expired.TopUpId, "expired");
        await w.WaitForAsync(failed.TopUpId, "failed");
        // A paid top-up of an idea that fails, its refund held just before Stripe: RefundDue.
        var (failing, failingResidents) = await w.OpenIdeaAsync(5000);
        var refundDue = await StartWithEmailAsync(failing, failingResidents[1], 150);
        await w.PayAsync(refundDue.CheckoutUrl);
        await w.WaitForAsync(refundDue.TopUpId, "paid");
        w.Refunds.Hold(refundDue.TopUpId);
        await w.PostJsonAsync($"/api/v1/ideas/{failing}/withdraw", failingResidents[0]);
        await w.WaitForAsync(refundDue.TopUpId, "refunding");
        Assert.Equal(nameof(TopUpState.RefundDue), await StateAsync(refundDue.TopUpId));
        var before = await CheckoutAsync(paidOld.TopUpId);
        await AgeCheckoutsAsync(paidOld.TopUpId, pending.TopUpId, expired.TopUpId, failed.TopUpId, refundDue.TopUpId);

        Assert.Equal(3, await Emails.RunAsync(CancellationToken.None));

        Assert.Null(await EmailAsync(paidOld.TopUpId));
        Assert.Null(await EmailAsync(expired.TopUpId));
        Assert.Null(await EmailAsync(failed.TopUpId));
        Assert.Equal(paidRecent.Email, await EmailAsync(paidRecent.TopUpId));   // settled, but not old enough
        Assert.Equal(pending.Email, await EmailAsync(pending.TopUpId));         // can still be paid
        Assert.Equal(refundDue.Email, await EmailAsync(refundDue.TopUpId));     // money on its way back
        // Only the address goes: the key and parameters stay for retries and the record.
        Assert.Equal(before with { Email = null }, await CheckoutAsync(paidOld.TopUpId));
        Assert.Equal(0, await Emails.RunAsync(CancellationToken.None));          // twice: nothing more to do
        Assert.Equal(paidRecent.Email, await EmailAsync(paidRecent.TopUpId));

        // The refund goes through; refunded, the address can go too.
        w.Refunds.Release(refundDue.TopUpId);
        await w.WaitForAsync(refundDue.TopUpId, "refunded");
        Assert.Equal(1, await Emails.RunAsync(CancellationToken.None));
        Assert.Null(await EmailAsync(refundDue.TopUpId));
        Assert.Equal(pending.Email, await EmailAsync(pending.TopUpId));
    }

    // ---- helpers

    private async Task<(Guid TopUpId, string CheckoutUrl, string Email)> StartWithEmailAsync(Guid idea, string token, long cents)
    {
        var email = $"betaler-{Guid.NewGuid():N}@example.nl";
        var json = await ApiWorld.OkJsonAsync(await w.StartTopUpAsync(idea, token, cents, extra: new { amountCents = cents, email }),
            HttpStatusCode.Created);
        return (json.GetProperty("topUpId").GetGuid(), json.GetProperty("checkoutUrl").GetString()!, email);
    }

    /// <summary>The sandbox's events about a top-up (its checkout, and refunds of its payment), once the app has remembered each.</summary>
    private async Task<List<(string Id, string Body)>> RememberedEventsAsync(Guid topUpId)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var events = new List<(string, string)>();
            await using (var db = new Npgsql.NpgsqlConnection(w.App.ConnectionString))
            {
                await db.OpenAsync();
                await using var cmd = new Npgsql.NpgsqlCommand("""
                    select e.id, e.body, exists (select 1 from {0} s where s.event_id = e.id)
                    from stripe_sandbox.events e
                    where e.body::jsonb->'data'->'object'->>'client_reference_id' = $1
                       or e.body::jsonb->'data'->'object'->>'payment_intent' = (select payment_reference from {1} where id = $2)
                    order by e.created_at, e.id
                    """.Replace("{0}", w.Table("stripe_events")).Replace("{1}", w.Table("rm_topups")), db);
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = topUpId.ToString() });
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = topUpId });
                await using var r = await cmd.ExecuteReaderAsync();
                var all = true;
                while (await r.ReadAsync())
                {
                    events.Add((r.GetString(0), r.GetString(1)));
                    all &= r.GetBoolean(2);
                }
                if (all && events.Count > 0) return events;
            }
            if (DateTime.UtcNow > until) Assert.Fail($"The events of top-up {topUpId} were not all delivered.");
            await Task.Delay(100);
        }
    }

    private async Task<bool> RememberedAsync(string eventId) =>
        await w.ScalarAsync($"select count(*) from {w.Table("stripe_events")} where event_id = $1", eventId) == 1;

    private Task AgeEventsAsync(IEnumerable<string> ids) => w.ScalarAsync(
        $"update {w.Table("stripe_events")} set received = now() - $2 where event_id = any($1)",
        ids.ToArray(), StripeEventRetention.Keep + TimeSpan.FromDays(1));

    private Task AgeCheckoutsAsync(params Guid[] ids) => w.ScalarAsync(
        $"update {w.Table("topup_checkouts")} set created = now() - $2 where top_up_id = any($1)",
        ids, CheckoutEmailRetention.Keep + TimeSpan.FromDays(1));

    private Task<string?> EmailAsync(Guid topUpId) =>
        w.ScalarTextAsync($"select email from {w.Table("topup_checkouts")} where top_up_id = $1", topUpId);

    private Task<string?> StateAsync(Guid topUpId) =>
        w.ScalarTextAsync($"select state from {w.Table("rm_topups")} where id = $1", topUpId);

    private async Task<TopUpCheckoutRow> CheckoutAsync(Guid topUpId) =>
        (await w.App.Services.GetRequiredService<TopUpCheckouts>().GetAsync(topUpId, CancellationToken.None))!;

    private Task<long> CountEventsAsync(Guid idea, string type) =>
        w.ScalarAsync($"select count(*) from {w.Table("mt_events")} where stream_id = $1 and type = $2", idea, type);

    /// <summary>What Stripe sends when a delayed payment method fails (the sandbox's iDEAL never does).</summary>
    private static string AsyncPaymentFailed(Guid topUpId) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = $"evt_{Guid.NewGuid():N}", ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["type"] = "checkout.session.async_payment_failed",
        ["data"] = new Dictionary<string, object?>
        {
            ["object"] = new Dictionary<string, object?>
            {
                ["id"] = $"cs_{Guid.NewGuid():N}", ["object"] = "checkout.session", ["client_reference_id"] = topUpId.ToString(),
                ["payment_status"] = "unpaid", ["status"] = "complete",
            },
        },
    });
}
