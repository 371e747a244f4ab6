using System.Net;
using Stripe;
using Stripe.Checkout;
using Waardecheque.Payments.Gateway;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Payments.Tests.Support;

namespace Waardecheque.Payments.Tests;

/// <summary>The sandbox answers Stripe.net as Stripe does: keys, parameters, idempotency.</summary>
public sealed class StripeProtocolTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => fixture.Host;

    /// <summary>Stripe.net straight, without our retries, to see each single answer.</summary>
    private SessionService RawSessions(string? apiKey = null) => new(StripeClientFactory.Create(
        Host.Settings(new RetrySettings { Tries = 1 }) with { SecretKey = apiKey ?? StripeSandboxOptions.DefaultApiKey },
        Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

    [Fact]
    public async Task the_same_idempotency_key_replays_the_same_session()
    {
        var topUp = TopUps.New();
        var key = $"topup-{topUp.TopUpId}";

        var first = await Host.Payments.CreateTopUpCheckoutAsync(topUp, key);
        var second = await Host.Payments.CreateTopUpCheckoutAsync(topUp, key);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
    }

    [Fact]
    public async Task the_same_key_with_other_parameters_is_an_idempotency_error()
    {
        var topUp = TopUps.New(cents: 1000);
        var key = Guid.NewGuid().ToString();
        await Host.Payments.CreateTopUpCheckoutAsync(topUp, key);

        var error = await Assert.ThrowsAsync<StripeException>(() => Host.Payments.CreateTopUpCheckoutAsync(topUp with { AmountCents = 2000 }, key));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.Equal(1, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
    }

    [Fact]
    public async Task a_key_still_in_flight_is_a_409_and_the_first_request_still_wins()
    {
        var topUp = TopUps.New();
        var key = Guid.NewGuid().ToString();
        Host.Chaos.AnswerSlowly(TimeSpan.FromMilliseconds(1500), pathContains: "/v1/checkout/sessions");

        var slow = RawSessions().CreateAsync(StripePayments.CheckoutOptions(topUp), new RequestOptions { IdempotencyKey = key });
        await Task.Delay(400);
        var meanwhile = await Assert.ThrowsAsync<StripeException>(() =>
            RawSessions().CreateAsync(StripePayments.CheckoutOptions(topUp), new RequestOptions { IdempotencyKey = key }));

        Assert.Equal(HttpStatusCode.Conflict, meanwhile.HttpStatusCode);
        Assert.Equal("idempotency_error", meanwhile.StripeError.Type);
        var created = await slow;
        Assert.Equal(created.Id, (await Host.Payments.CreateTopUpCheckoutAsync(topUp, key)).Id);
        Assert.Equal(1, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
    }

    [Fact]
    public async Task an_unknown_parameter_is_refused_by_name()
    {
        var options = StripePayments.CheckoutOptions(TopUps.New());
        options.AddExtraParam("line_items[0][price_data][tax_behavior]", "inclusive");

        var error = await Assert.ThrowsAsync<StripeException>(() => RawSessions().CreateAsync(options));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(("parameter_unknown", "line_items[0][price_data][tax_behavior]"), (error.StripeError.Code, error.StripeError.Param));
        Assert.Equal("Received unknown parameter: line_items[0][price_data][tax_behavior]", error.StripeError.Message);
    }

    [Fact]
    public async Task a_missing_parameter_is_refused_by_name()
    {
        var options = StripePayments.CheckoutOptions(TopUps.New());
        options.LineItems[0].PriceData.UnitAmount = null;

        var error = await Assert.ThrowsAsync<StripeException>(() => RawSessions().CreateAsync(options));

        Assert.Equal(("parameter_missing", "line_items[0][price_data][unit_amount]"), (error.StripeError.Code, error.StripeError.Param));
    }

    [Fact]
    public async Task an_expiry_under_thirty_minutes_is_refused()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(startedAt: DateTimeOffset.UtcNow.AddMinutes(-10)), Guid.NewGuid().ToString()));

        Assert.Equal("expires_at", error.StripeError.Param);
    }

    [Fact]
    public async Task a_wrong_api_key_is_a_401()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => RawSessions("sk_test_someone_else_entirely").GetAsync("cs_test_x"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.DoesNotContain("someone_else_entirely", error.StripeError.Message);
    }

    [Fact]
    public async Task an_unknown_session_is_a_404_resource_missing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Host.Payments.GetCheckoutAsync("cs_test_nothere"));

        Assert.Equal((HttpStatusCode.NotFound, "resource_missing"), (error.HttpStatusCode, error.StripeError.Code));
    }
}
