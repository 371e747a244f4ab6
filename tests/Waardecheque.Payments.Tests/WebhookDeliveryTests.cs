using Stripe;
using Stripe.Checkout;
using Waardecheque.Payments.Tests.Support;

namespace Waardecheque.Payments.Tests;

/// <summary>The sandbox delivers like Stripe: signed, retried until 2xx, and on request twice or out of order.</summary>
public sealed class WebhookDeliveryTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => fixture.Host;

    private async Task<Session> PayAsync()
    {
        var session = await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(), Guid.NewGuid().ToString());
        var (action, fields) = TopUps.Form(await Host.Browser.GetStringAsync(session.Url), "/pay");
        (await Host.Browser.PostAsync(action, new FormUrlEncodedContent(fields))).Dispose();
        return session;
    }

    private static bool Of(Event e, string sessionId) => e.Data.Object is Session s && s.Id == sessionId;

    [Fact]
    public async Task a_refused_delivery_is_tried_again_until_the_app_accepts_it()
    {
        Host.RefuseNextDeliveries = 2;

        var session = await PayAsync();

        var completed = await Host.EventAsync("checkout.session.completed", e => Of(e, session.Id));
        // The receiver has the event once the third attempt's POST is answered; the sandbox records that attempt just
        // after, in its own transaction, so its count may lag the receiver by a moment.
        var attempts = 0;
        for (var until = DateTime.UtcNow.AddSeconds(10); (attempts = await Host.Sandbox.DeliveryAttemptsAsync(completed.Id)) < 3 && DateTime.UtcNow < until;)
            await Task.Delay(20);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task with_double_delivery_the_same_event_arrives_twice_with_the_same_id()
    {
        Host.Chaos.DeliverEventsTwice = true;
        try
        {
            var session = await PayAsync();

            await Host.EventAsync("checkout.session.completed", e => Of(e, session.Id), count: 2);
            Assert.Single(Host.Events.Where(e => Of(e, session.Id)).Select(e => e.Id).Distinct());
        }
        finally
        {
            Host.Chaos.DeliverEventsTwice = false;
        }
    }

    [Fact]
    public async Task held_deliveries_can_be_released_newest_first()
    {
        Host.Chaos.HoldDeliveries();
        var session = await PayAsync();
        var paymentIntent = (await Host.Payments.GetCheckoutAsync(session.Id)).PaymentIntentId;
        var refund = await Host.Payments.RefundAsync(paymentIntent, Guid.NewGuid().ToString());
        await Task.Delay(200);
        Assert.DoesNotContain(Host.Events, e => Of(e, session.Id));

        Host.Chaos.ReleaseDeliveries(newestFirst: true);
        await Host.EventAsync("checkout.session.completed", e => Of(e, session.Id));
        Host.Chaos.ReleaseDeliveries(newestFirst: false);

        var order = Host.Events.Select((e, i) => (e, i)).ToList();
        var refundAt = order.First(x => x.e.Data.Object is Refund r && r.Id == refund.Id).i;
        var paidAt = order.First(x => Of(x.e, session.Id)).i;
        Assert.True(refundAt < paidAt, "the refund's events came before the payment's");
    }

    [Fact]
    public async Task every_delivery_is_signed_with_the_webhook_secret_and_verified()
    {
        await PayAsync();
        await Host.EventAsync("checkout.session.completed");

        Assert.All(Host.Deliveries, d => Assert.True(d.Accepted, d.Reason));
    }

    [Fact]
    public async Task a_session_past_its_expiry_expires_by_itself()
    {
        var topUp = TopUps.New();
        var session = await Host.Payments.CreateTopUpCheckoutAsync(topUp, Guid.NewGuid().ToString());
        // Push the expiry into the past directly: waiting thirty minutes is not a test.
        await using (var conn = new Npgsql.NpgsqlConnection(Host.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                "update stripe_sandbox.objects set data = jsonb_set(data, '{expires_at}', to_jsonb(1)) where id = $1", conn)
            { Parameters = { new() { Value = session.Id } } };
            await cmd.ExecuteNonQueryAsync();
        }

        await Host.EventAsync("checkout.session.expired", e => Of(e, session.Id));
        Assert.Equal("expired", (await Host.Payments.GetCheckoutAsync(session.Id)).Status);
    }
}
