using System.Net;
using Stripe;
using Waardecheque.Payments.Tests.Support;

namespace Waardecheque.Payments.Tests;

/// <summary>Refunds of paid top-ups: once, never more than was paid, and a failure reported as refund.failed.</summary>
public sealed class RefundTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => fixture.Host;

    private async Task<string> PaidTopUpAsync(long cents)
    {
        var session = await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(cents), Guid.NewGuid().ToString());
        var (action, fields) = TopUps.Form(await Host.Browser.GetStringAsync(session.Url), "/pay");
        (await Host.Browser.PostAsync(action, new FormUrlEncodedContent(fields))).Dispose();
        return (await Host.Payments.GetCheckoutAsync(session.Id)).PaymentIntentId;
    }

    [Fact]
    public async Task a_refund_by_payment_intent_succeeds_and_says_so_in_refund_updated()
    {
        var paymentIntent = await PaidTopUpAsync(1500);

        var refund = await Host.Payments.RefundAsync(paymentIntent, $"refund-{paymentIntent}");

        Assert.Equal(("pending", 1500L, paymentIntent), (refund.Status, refund.Amount, refund.PaymentIntentId));
        Assert.Equal("succeeded", (await Host.Payments.GetRefundAsync(refund.Id)).Status);
        var updated = await Host.EventAsync("refund.updated", e => ((Refund)e.Data.Object).Id == refund.Id);
        Assert.Equal("succeeded", ((Refund)updated.Data.Object).Status);
    }

    [Fact]
    public async Task a_retried_refund_with_the_same_key_refunds_once()
    {
        var paymentIntent = await PaidTopUpAsync(1500);
        Host.Chaos.DropConnectionAfterWork(pathContains: "/v1/refunds");

        var refund = await Host.Payments.RefundAsync(paymentIntent, $"refund-{paymentIntent}");
        var again = await Host.Payments.RefundAsync(paymentIntent, $"refund-{paymentIntent}");

        Assert.Equal(refund.Id, again.Id);
        var more = await Assert.ThrowsAsync<StripeException>(() => Host.Payments.RefundAsync(paymentIntent, Guid.NewGuid().ToString()));
        Assert.Equal("charge_already_refunded", more.StripeError.Code);
    }

    [Fact]
    public async Task refunding_more_than_was_paid_is_a_400()
    {
        var paymentIntent = await PaidTopUpAsync(1000);

        var error = await Assert.ThrowsAsync<StripeException>(() => Host.Payments.RefundAsync(paymentIntent, Guid.NewGuid().ToString(), amountCents: 1001));

        Assert.Equal((HttpStatusCode.BadRequest, "amount_too_large"), (error.HttpStatusCode, error.StripeError.Code));
        Assert.Equal(1000, (await Host.Payments.RefundAsync(paymentIntent, Guid.NewGuid().ToString(), amountCents: 1000)).Amount);
    }

    [Fact]
    public async Task a_failing_refund_reports_refund_failed_and_can_be_tried_again()
    {
        var paymentIntent = await PaidTopUpAsync(800);
        Host.Chaos.FailNextRefunds();

        var refund = await Host.Payments.RefundAsync(paymentIntent, Guid.NewGuid().ToString());

        var failed = await Host.EventAsync("refund.failed", e => ((Refund)e.Data.Object).Id == refund.Id);
        Assert.Equal(("failed", "declined"), (((Refund)failed.Data.Object).Status, ((Refund)failed.Data.Object).FailureReason));
        Assert.Equal("failed", (await Host.Payments.GetRefundAsync(refund.Id)).Status);
        var second = await Host.Payments.RefundAsync(paymentIntent, Guid.NewGuid().ToString());
        Assert.Equal(800, second.Amount);
    }

    [Fact]
    public async Task an_unpaid_or_unknown_payment_intent_cannot_be_refunded()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Host.Payments.RefundAsync("pi_doesnotexist", Guid.NewGuid().ToString()));

        Assert.Equal(("resource_missing", "payment_intent"), (error.StripeError.Code, error.StripeError.Param));
    }
}
