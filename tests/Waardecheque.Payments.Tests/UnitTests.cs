using System.Net;
using Waardecheque.Payments.Gateway;
using Waardecheque.Payments.Sandbox;

namespace Waardecheque.Payments.Tests;

/// <summary>The small pure pieces: Stripe's bracket forms, which answers to retry, Dutch euros, the back-off.</summary>
public sealed class UnitTests
{
    [Fact]
    public void bracket_keys_are_read_flat_with_list_indices()
    {
        var form = StripeForm.Parse("line_items[0][price_data][unit_amount]=1250&line_items[1][quantity]=2&expand[]=a&expand[]=b&metadata[idea_id]=x%20y&success_url=https%3A%2F%2Fa%2Fb%3Fid%3D%7BCHECKOUT_SESSION_ID%7D");

        Assert.Equal("1250", form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal([0, 1], form.Indices("line_items"));
        Assert.Equal(("a", "b"), (form["expand[0]"], form["expand[1]"]));
        Assert.Equal("x y", form.Hash("metadata").Single(kv => kv.Key == "idea_id").Value);
        Assert.Equal("https://a/b?id={CHECKOUT_SESSION_ID}", form["success_url"]);
        Assert.Equal("line_items[#][price_data][unit_amount]", StripeForm.Shape("line_items[12][price_data][unit_amount]", ["metadata"]));
        Assert.Equal("metadata[*]", StripeForm.Shape("metadata[anything]", ["metadata"]));
    }

    [Fact]
    public void a_non_integer_amount_is_refused_as_stripe_does()
    {
        var form = StripeForm.Parse("payment_intent=pi_1&amount=12.50");

        var answer = Waardecheque.Payments.Sandbox.Refunds.CreateRules.Check(form);

        Assert.NotNull(answer);
        Assert.Contains("parameter_invalid_integer", answer!.Json);
    }

    [Theory]
    [InlineData(409, null, true)]
    [InlineData(429, null, true)]
    [InlineData(500, null, true)]
    [InlineData(503, null, true)]
    [InlineData(400, null, false)]
    [InlineData(402, null, false)]
    [InlineData(404, null, false)]
    [InlineData(400, "true", true)]
    [InlineData(500, "false", false)]
    public void retry_follows_the_status_and_stripe_should_retry(int status, string? header, bool retry)
    {
        Assert.Equal(retry, RetryDecision.ShouldRetry((HttpStatusCode)status, header));
    }

    [Fact]
    public void the_back_off_grows_and_stays_under_its_cap()
    {
        var settings = new RetrySettings { FirstDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(350) };
        var random = new Random(7);

        var second = settings.DelayBefore(2, random);
        var third = settings.DelayBefore(3, random);
        var tenth = settings.DelayBefore(10, random);

        Assert.InRange(second.TotalMilliseconds, 50, 100);
        Assert.InRange(third.TotalMilliseconds, 100, 200);
        Assert.InRange(tenth.TotalMilliseconds, 175, 350);
    }

    [Theory]
    [InlineData(1250, "€ 12,50")]
    [InlineData(5, "€ 0,05")]
    [InlineData(123456789, "€ 1.234.567,89")]
    public void euros_are_written_the_dutch_way(long cents, string text)
    {
        Assert.Equal(text, DutchMoney.Format(cents));
    }
}
