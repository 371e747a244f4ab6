using System.Net;
using Stripe.Checkout;
using Waardecheque.Payments.Gateway;
using Waardecheque.Payments.Tests.Support;

namespace Waardecheque.Payments.Tests;

/// <summary>A resident's top-up from session to paid: Stripe.net against the sandbox, the page submitted like a browser.</summary>
public sealed class CheckoutTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => fixture.Host;

    [Fact]
    public async Task a_top_up_checkout_is_an_open_unpaid_session_shaped_as_stripe_md_says()
    {
        var topUp = TopUps.New(cents: 1250);

        var session = await Host.Payments.CreateTopUpCheckoutAsync(topUp, $"topup-{topUp.TopUpId}");

        Assert.StartsWith("cs_test_", session.Id);
        Assert.Equal(("open", "unpaid", "payment"), (session.Status, session.PaymentStatus, session.Mode));
        Assert.Equal((1250L, "eur"), (session.AmountTotal, session.Currency));
        Assert.Equal(new[] { "ideal", "card" }, session.PaymentMethodTypes.ToArray());
        Assert.Equal(topUp.TopUpId.ToString(), session.ClientReferenceId);
        Assert.Equal(topUp.IdeaId.ToString(), session.Metadata[StripePayments.IdeaIdKey]);
        Assert.Equal(topUp.TopUpId.ToString(), session.Metadata[StripePayments.TopUpIdKey]);
        Assert.Equal((topUp.StartedAt + TimeSpan.FromMinutes(30)).ToUnixTimeSeconds(), new DateTimeOffset(session.ExpiresAt).ToUnixTimeSeconds());
        Assert.Equal($"{Host.SandboxUrl}/checkout/{session.Id}", session.Url);
        Assert.Null(session.PaymentIntentId);
    }

    [Fact]
    public async Task the_checkout_page_is_dutch_and_shows_the_amount_and_the_idea()
    {
        var session = await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(cents: 123_450, title: "Jeu de boules & <bank>"), Guid.NewGuid().ToString());

        var response = await Host.Browser.GetAsync(session.Url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"nl\">", html);
        Assert.Contains("<h1>Betalen: Jeu de boules &amp; &lt;bank&gt;</h1>", html);   // escaped, never markup
        Assert.Contains("€ 1.234,50", html);
        Assert.Contains("<label for=\"bank\">Uw bank</label>", html);
        Assert.Contains("<select id=\"bank\" name=\"bank\">", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task submitting_the_pay_form_completes_the_session_and_delivers_a_signed_completed_event()
    {
        var topUp = TopUps.New(cents: 2500);
        var session = await Host.Payments.CreateTopUpCheckoutAsync(topUp, Guid.NewGuid().ToString());
        var page = await Host.Browser.GetStringAsync(session.Url);

        var (action, fields) = TopUps.Form(page, "/pay");
        var paid = await Host.Browser.PostAsync(action, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal($"https://waardecheque.example/inleg/klaar?sessie={session.Id}", paid.Headers.Location!.ToString());
        var after = await Host.Payments.GetCheckoutAsync(session.Id);
        Assert.Equal(("complete", "paid"), (after.Status, after.PaymentStatus));
        Assert.StartsWith("pi_", after.PaymentIntentId);

        var completed = await Host.EventAsync("checkout.session.completed", e => ((Session)e.Data.Object).Id == session.Id);
        var inEvent = (Session)completed.Data.Object;
        Assert.Equal(("paid", topUp.TopUpId.ToString(), 2500L), (inEvent.PaymentStatus, inEvent.ClientReferenceId, inEvent.AmountTotal));
        Assert.Equal(after.PaymentIntentId, inEvent.PaymentIntentId);
        Assert.Equal(Stripe.StripeConfiguration.ApiVersion, completed.ApiVersion);
    }

    [Fact]
    public async Task the_cancel_form_goes_back_to_cancel_url_and_leaves_the_session_open()
    {
        var session = await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(), Guid.NewGuid().ToString());
        var (action, fields) = TopUps.Form(await Host.Browser.GetStringAsync(session.Url), "/cancel");

        var back = await Host.Browser.PostAsync(action, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.SeeOther, back.StatusCode);
        Assert.Equal("https://waardecheque.example/inleg/terug", back.Headers.Location!.ToString());
        Assert.Equal("open", (await Host.Payments.GetCheckoutAsync(session.Id)).Status);
    }

    [Fact]
    public async Task an_expired_session_cannot_be_paid_and_its_expiry_is_an_event()
    {
        var session = await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(), Guid.NewGuid().ToString());
        var page = await Host.Browser.GetStringAsync(session.Url);

        await Host.Sandbox.ExpireSessionAsync(session.Id);
        var (action, fields) = TopUps.Form(page, "/pay");
        var late = await Host.Browser.PostAsync(action, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("Betaling verlopen", await late.Content.ReadAsStringAsync());
        Assert.Equal(("expired", "unpaid"), ((await Host.Payments.GetCheckoutAsync(session.Id)).Status, (await Host.Payments.GetCheckoutAsync(session.Id)).PaymentStatus));
        await Host.EventAsync("checkout.session.expired", e => ((Session)e.Data.Object).Id == session.Id);
    }

    [Fact]
    public async Task the_app_can_expire_an_open_session_through_the_api()
    {
        var session = await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(), Guid.NewGuid().ToString());

        var expired = await Host.Payments.ExpireCheckoutAsync(session.Id, Guid.NewGuid().ToString());

        Assert.Equal("expired", expired.Status);
        var again = await Assert.ThrowsAsync<Stripe.StripeException>(() => Host.Payments.ExpireCheckoutAsync(session.Id, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
    }
}
