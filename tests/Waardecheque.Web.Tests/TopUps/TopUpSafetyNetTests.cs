using Waardecheque.Web.Tests.Support;
using Waardecheque.Web.Features.TopUps;

namespace Waardecheque.Web.Tests.TopUps;

/// <summary>Checkouts are looked up at Stripe one second after they start (instead of an hour).</summary>
public sealed class QuickCheckWorld : TopUpWorld
{
    protected override IDictionary<string, string?> MoreSettings =>
        new Dictionary<string, string?> { [TopUpRefunds.CheckoutCheckAfterSetting] = "1" };
}

/// <summary>
/// When no webhook ever arrives (a wrong endpoint secret, an outage longer than Stripe's retries), the app asks Stripe
/// how each checkout ended; the late webhook then changes nothing.
/// </summary>
public sealed class TopUpSafetyNetTests(QuickCheckWorld w) : IClassFixture<QuickCheckWorld>
{
    [Fact]
    public async Task a_payment_whose_webhook_never_comes_is_found_by_asking_stripe_and_counted_once()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        w.Sandbox.Chaos.HoldDeliveries();
        Guid topUp;
        try
        {
            string checkout;
            (topUp, checkout) = await w.StartedAsync(idea, residents[0], 650);
            await w.PayAsync(checkout);
            await w.WaitForAsync(topUp, "paid");
        }
        finally
        {
            w.Sandbox.Chaos.ReleaseDeliveries();
        }
        await Task.Delay(1500);   // the held checkout.session.completed arrives now
        Assert.Equal(650, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
        Assert.Equal(1, await w.ScalarAsync($"select count(*) from {w.Table("mt_events")} where stream_id = $1 and type = 'top_up_received'", idea));
    }

    [Fact]
    public async Task a_checkout_that_expired_without_a_webhook_lapses_when_stripe_is_asked()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        w.Sandbox.Chaos.HoldDeliveries();
        try
        {
            var (topUp, checkout) = await w.StartedAsync(idea, residents[1], 250);
            await w.Sandbox.ExpireSessionAsync(checkout[(checkout.LastIndexOf('/') + 1)..]);
            await w.WaitForAsync(topUp, "expired");
        }
        finally
        {
            w.Sandbox.Chaos.ReleaseDeliveries();
        }
        Assert.Equal(0, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
    }
}
