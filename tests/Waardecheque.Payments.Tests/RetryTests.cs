using System.Net;
using Stripe;
using Waardecheque.Payments.Tests.Support;

namespace Waardecheque.Payments.Tests;

/// <summary>Stripe outages and lost answers: the gateway tries again with the same key and ends with one session.</summary>
public sealed class RetryTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => fixture.Host;

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(409)]
    public async Task injected_errors_are_retried_and_end_in_exactly_one_session(int status)
    {
        var topUp = TopUps.New();
        Host.Chaos.FailNext(status, times: 2, pathContains: "/v1/checkout/sessions");

        var session = await Host.Payments.CreateTopUpCheckoutAsync(topUp, $"topup-{topUp.TopUpId}");

        Assert.Equal("open", session.Status);
        Assert.Equal(1, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
        Assert.Equal(2, Host.Log.Lines.Count(l => l.Contains($"topup-{topUp.TopUpId}") && l.Contains($": {status}, request req_") && l.Contains("retrying")));
    }

    [Fact]
    public async Task a_connection_dropped_after_the_work_is_retried_into_the_same_session()
    {
        var topUp = TopUps.New();
        Host.Chaos.DropConnectionAfterWork(pathContains: "/v1/checkout/sessions");

        var session = await Host.Payments.CreateTopUpCheckoutAsync(topUp, $"topup-{topUp.TopUpId}");

        Assert.Equal("true", session.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
        Assert.Contains(Host.Log.Lines, l => l.Contains($"topup-{topUp.TopUpId}") && l.Contains("failed without an answer"));
    }

    [Fact]
    public async Task a_slow_answer_is_abandoned_and_the_retry_gets_the_first_result()
    {
        var topUp = TopUps.New();
        var payments = new StripePaymentsWithTimeout(Host, TimeSpan.FromMilliseconds(300));
        Host.Chaos.AnswerSlowly(TimeSpan.FromMilliseconds(900), pathContains: "/v1/checkout/sessions");

        var session = await payments.Gateway.CreateTopUpCheckoutAsync(topUp, $"topup-{topUp.TopUpId}");

        Assert.Equal(topUp.TopUpId.ToString(), session.ClientReferenceId);
        Assert.Equal(1, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
    }

    [Fact]
    public async Task a_persistent_outage_gives_up_after_the_configured_tries()
    {
        Host.Chaos.FailNext(503, times: 4, pathContains: "/v1/checkout/sessions");
        var topUp = TopUps.New();

        var error = await Assert.ThrowsAsync<StripeException>(() => Host.Payments.CreateTopUpCheckoutAsync(topUp, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.HttpStatusCode);
        Assert.Equal(0, await Host.Sandbox.CountSessionsAsync(topUp.TopUpId.ToString()));
    }

    [Fact]
    public async Task a_bad_request_is_not_retried()
    {
        var topUp = TopUps.New(startedAt: DateTimeOffset.UtcNow.AddHours(-1));

        await Assert.ThrowsAsync<StripeException>(() => Host.Payments.CreateTopUpCheckoutAsync(topUp, $"topup-{topUp.TopUpId}"));

        Assert.Single(Host.Log.Lines, l => l.Contains($"topup-{topUp.TopUpId}"));
    }

    [Fact]
    public async Task the_secret_key_never_reaches_the_log()
    {
        Host.Chaos.FailNext(500, pathContains: "/v1/checkout/sessions");
        await Host.Payments.CreateTopUpCheckoutAsync(TopUps.New(), Guid.NewGuid().ToString());

        Assert.NotEmpty(Host.Log.Lines);
        Assert.DoesNotContain(Host.Log.Lines, l => l.Contains(Waardecheque.Payments.Sandbox.StripeSandboxOptions.DefaultApiKey));
    }

    private sealed class StripePaymentsWithTimeout(SandboxHost host, TimeSpan attemptTimeout)
    {
        public Gateway.StripePayments Gateway { get; } = new(Waardecheque.Payments.Gateway.StripeClientFactory.Create(
            host.Settings(new Gateway.RetrySettings { Tries = 5, FirstDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromMilliseconds(400), AttemptTimeout = attemptTimeout }),
            host.App.Services.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) as Microsoft.Extensions.Logging.ILoggerFactory
                ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
    }
}
