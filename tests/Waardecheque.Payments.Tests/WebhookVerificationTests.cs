using Stripe;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Payments.Webhooks;

namespace Waardecheque.Payments.Tests;

/// <summary>Only a webhook signed with our secret, recently, in Stripe.net's API version is let in.</summary>
public sealed class WebhookVerificationTests
{
    private const string Secret = "whsec_unit_test_secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static string Body(string? apiVersion = null, bool versioned = true) =>
        "{\"id\":\"evt_1\",\"object\":\"event\"," + (versioned ? $"\"api_version\":\"{apiVersion ?? StripeConfiguration.ApiVersion}\"," : "") +
        "\"created\":1800000000,\"data\":{\"object\":{\"id\":\"cs_test_1\",\"object\":\"checkout.session\",\"payment_status\":\"paid\"}}," +
        "\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"checkout.session.completed\"}";

    [Fact]
    public void a_correctly_signed_recent_event_is_accepted()
    {
        var body = Body();

        var verdict = StripeWebhooks.Verify(body, WebhookSigner.SignatureHeader(body, Secret, Now.AddSeconds(-10)), Secret, Now);

        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal(("evt_1", "checkout.session.completed"), (verdict.Event!.Id, verdict.Event.Type));
        Assert.Equal("paid", ((Stripe.Checkout.Session)verdict.Event.Data.Object).PaymentStatus);
    }

    [Fact]
    public void a_changed_body_is_forged()
    {
        var signature = WebhookSigner.SignatureHeader(Body(), Secret, Now);

        var verdict = StripeWebhooks.Verify(Body().Replace("\"paid\"", "\"unpaid\""), signature, Secret, Now);

        Assert.Equal(WebhookRefusal.Forged, verdict.Refusal);
    }

    [Fact]
    public void another_secret_is_forged()
    {
        var verdict = StripeWebhooks.Verify(Body(), WebhookSigner.SignatureHeader(Body(), "whsec_someone_else", Now), Secret, Now);

        Assert.Equal(WebhookRefusal.Forged, verdict.Refusal);
    }

    [Fact]
    public void a_signature_older_than_five_minutes_is_refused_as_too_old()
    {
        var verdict = StripeWebhooks.Verify(Body(), WebhookSigner.SignatureHeader(Body(), Secret, Now.AddSeconds(-301)), Secret, Now);

        Assert.Equal(WebhookRefusal.TooOld, verdict.Refusal);
    }

    [Fact]
    public void a_signature_just_within_five_minutes_is_accepted()
    {
        Assert.True(StripeWebhooks.Verify(Body(), WebhookSigner.SignatureHeader(Body(), Secret, Now.AddSeconds(-299)), Secret, Now).Accepted);
    }

    [Fact]
    public void a_missing_signature_is_refused()
    {
        Assert.Equal(WebhookRefusal.Unsigned, StripeWebhooks.Verify(Body(), null, Secret, Now).Refusal);
    }

    [Fact]
    public void an_event_in_another_api_version_is_refused()
    {
        var body = Body(apiVersion: "2024-06-20");

        var verdict = StripeWebhooks.Verify(body, WebhookSigner.SignatureHeader(body, Secret, Now), Secret, Now);

        Assert.Equal(WebhookRefusal.OtherApiVersion, verdict.Refusal);
        Assert.Contains("2024-06-20", verdict.Reason);
    }

    [Fact]
    public void an_event_without_api_version_is_refused()
    {
        var body = Body(versioned: false);

        var verdict = StripeWebhooks.Verify(body, WebhookSigner.SignatureHeader(body, Secret, Now), Secret, Now);

        Assert.Equal(WebhookRefusal.Unversioned, verdict.Refusal);
    }

    [Fact]
    public void during_a_secret_rotation_any_matching_v1_is_accepted()
    {
        var body = Body();
        var old = WebhookSigner.SignatureHeader(body, "whsec_old_secret", Now);
        var current = WebhookSigner.SignatureHeader(body, Secret, Now);

        var verdict = StripeWebhooks.Verify(body, $"{old},{current.Split(',')[1]}", Secret, Now);

        Assert.True(verdict.Accepted, verdict.Reason);
    }

    [Fact]
    public void a_correctly_signed_body_that_is_no_event_is_malformed()
    {
        const string body = "not json at all";

        var verdict = StripeWebhooks.Verify(body, WebhookSigner.SignatureHeader(body, Secret, Now), Secret, Now);

        Assert.Equal(WebhookRefusal.Malformed, verdict.Refusal);
    }

    [Fact]
    public void the_pinned_api_version_is_the_one_the_docs_name()
    {
        Assert.Equal("2026-10-28.endive", StripeConfiguration.ApiVersion);
    }
}
