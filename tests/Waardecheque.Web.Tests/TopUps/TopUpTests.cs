using System.Net;
using System.Text;
using System.Text.Json;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.TopUps;

/// <summary>
/// Top-ups end to end against the built-in Stripe sandbox (Stripe.net over HTTP, signed webhooks back): starting one
/// (rules first, one checkout per idempotency key), the webhook (verified, once per event, in any order), turning away,
/// refunds (once, a failure tried again), and trouble on the way. After each: the audit reconciles.
/// </summary>
public sealed class TopUpTests(TopUpWorld w) : IClassFixture<TopUpWorld>
{
    private async Task AssertReconcilesAsync()
    {
        var audit = await w.GetJsonAsync($"/api/v1/programs/{w.ProgramId}/audit", w.Auditor);
        Assert.True(audit.GetProperty("reconciles").GetBoolean(), audit.ToString());
    }

    [Fact]
    public async Task a_resident_tops_up_in_the_sandbox_and_the_idea_counts_it_once_paid()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);

        var (topUp, checkout) = await w.StartedAsync(idea, residents[1], 500, Guid.NewGuid().ToString());
        var pending = await w.TopUpAsync(topUp);
        Assert.Equal(("pending", 500L, idea), (pending.GetProperty("state").GetString(), pending.GetProperty("amountCents").GetInt64(),
            pending.GetProperty("ideaId").GetGuid()));
        Assert.StartsWith(w.BaseUrl + "/stripe-sandbox/checkout/", checkout);
        Assert.Equal(0, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());

        await w.PayAsync(checkout);

        var paid = await w.WaitForAsync(topUp, "paid");
        Assert.Equal(0, paid.GetProperty("refundedCents").GetInt64());
        Assert.Equal(500, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
        var audit = await w.GetJsonAsync($"/api/v1/programs/{w.ProgramId}/audit", w.Auditor);
        Assert.True(audit.GetProperty("toppedUpCents").GetInt64() >= 500);
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task the_same_idempotency_key_gives_the_same_top_up_and_the_same_checkout()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var key = Guid.NewGuid().ToString();

        var first = await w.StartedAsync(idea, residents[0], 400, key);
        var again = await w.StartedAsync(idea, residents[0], 400, key);

        Assert.Equal(first, again);
        Assert.Equal(1, await w.Sandbox.CountSessionsAsync(first.TopUpId.ToString()));
        await (await w.StartTopUpAsync(idea, residents[0], 401, key)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        // Another resident's same key is their own top-up.
        var theirs = await w.StartedAsync(idea, residents[1], 400, key);
        Assert.NotEqual(first.TopUpId, theirs.TopUpId);
        // Without a key every start is a new top-up.
        Assert.NotEqual((await w.StartedAsync(idea, residents[0], 100)).TopUpId, (await w.StartedAsync(idea, residents[0], 100)).TopUpId);
    }

    [Fact]
    public async Task the_rules_are_checked_before_stripe_is_asked()
    {
        var (idea, residents) = await w.OpenIdeaAsync(1000);
        var before = await w.ScalarAsync("select count(*) from stripe_sandbox.objects where type = 'checkout.session'");

        await (await w.StartTopUpAsync(idea, residents[0], 25_001)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        await (await w.StartTopUpAsync(idea, residents[0], 0)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_amount");
        var p7 = await (await w.StartTopUpAsync(idea, residents[0], 800)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "needs_more_neighbours");
        Assert.Equal(3, p7.GetProperty("householdsMissing").GetInt32());
        for (var i = 0; i < 3; i++) await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, residents[i], 300), HttpStatusCode.Created);
        await (await w.StartTopUpAsync(idea, residents[0], 200)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "target_exceeded");
        var proposed = await w.ProposeAsync(await w.ResidentAsync(w.ProgramId, "Rozentuin", 7), "Nog niet goedgekeurd",
            ApiWorld.Buurt(ApiWorld.Tuinen), 2000);
        await (await w.StartTopUpAsync(proposed, residents[0], 100)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idea_not_open");
        await (await w.StartTopUpAsync(Guid.CreateVersion7(), residents[0], 100)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await w.StartTopUpAsync(idea, residents[0], 100, extra: new { amountCents = 100, email = "geen adres" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Equal(before, await w.ScalarAsync("select count(*) from stripe_sandbox.objects where type = 'checkout.session'"));
        Assert.Equal(0, await w.ScalarAsync($"select count(*) from {w.Table("rm_topups")} where idea_id = $1", idea));
    }

    [Fact]
    public async Task only_the_resident_who_started_it_and_staff_see_a_top_up()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (topUp, _) = await w.StartedAsync(idea, residents[0], 100);

        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/topups/{topUp}", residents[0])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/topups/{topUp}", w.Auditor)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/topups/{topUp}", w.Moderator)).StatusCode);
        await (await w.GetAsync($"/api/v1/topups/{topUp}", residents[1])).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await w.GetAsync($"/api/v1/topups/{topUp}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await w.StartTopUpAsync(idea, null!, 100)).StatusCode);
        // Staff start one only on behalf of a household.
        await (await w.StartTopUpAsync(idea, w.Moderator, 100)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task a_connector_tops_up_on_behalf_and_the_same_key_for_two_households_is_two_top_ups()
    {
        var (idea, _) = await w.OpenIdeaAsync(3000);
        var body = (Guid cheque) => new { amountCents = 200, onBehalf = true, chequeId = cheque };
        var first = ApiWorld.ChequeOf(w.ProgramId, "Kruidentuin", 1);
        var second = ApiWorld.ChequeOf(w.ProgramId, "Kruidentuin", 2);

        var a = await ApiWorld.OkJsonAsync(await w.StartTopUpAsync(idea, w.Moderator, 200, "balie-1", body(first)), HttpStatusCode.Created);
        var b = await ApiWorld.OkJsonAsync(await w.StartTopUpAsync(idea, w.Moderator, 200, "balie-1", body(second)), HttpStatusCode.Created);

        Assert.NotEqual(a.GetProperty("topUpId").GetGuid(), b.GetProperty("topUpId").GetGuid());
        Assert.Equal(first, await w.ScalarGuidAsync($"select cheque_id from {w.Table("rm_topups")} where id = '{a.GetProperty("topUpId").GetGuid()}'"));
    }

    [Fact]
    public async Task a_household_still_sees_its_top_up_after_its_cheque_was_reissued()
    {
        var (idea, _) = await w.OpenIdeaAsync(2000);
        // A household no other test signs in with: its old code stops working here. Own money needs no neighbourhood.
        var token = await w.ResidentAsync(w.ProgramId, "Rozentuin", 8);
        var (topUp, _) = await w.StartedAsync(idea, token, 150);
        var resident = await w.GetJsonAsync("/api/v1/resident/cheque", token);

        var reissued = await w.PostJsonAsync($"/api/v1/cheques/{resident.GetProperty("id").GetGuid()}/reissue", w.Admin, expected: HttpStatusCode.Created);
        var newToken = (await w.PostJsonAsync("/api/v1/resident/sessions", null, new { code = reissued.GetProperty("code").GetString() }))
            .GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/topups/{topUp}", newToken)).StatusCode);
    }

    [Fact]
    public async Task forged_old_unversioned_and_other_version_webhooks_are_400_and_store_nothing()
    {
        var secret = await w.Sandbox.WebhookSecretAsync();
        var events = await w.ScalarAsync($"select count(*) from {w.Table("stripe_events")}");
        string Body(string? version) => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "evt_" + Guid.NewGuid().ToString("N"), ["object"] = "event", ["api_version"] = version, ["created"] = 1,
            ["type"] = "checkout.session.expired", ["data"] = new { @object = new { id = "cs_x", @object = "checkout.session" } },
        });
        var ok = Body(Stripe.StripeConfiguration.ApiVersion);

        await AssertRefusedAsync(ok, WebhookSigner.SignatureHeader(ok, "whsec_not_the_secret", DateTimeOffset.UtcNow));
        await AssertRefusedAsync(ok, WebhookSigner.SignatureHeader(ok + " ", secret, DateTimeOffset.UtcNow));
        await AssertRefusedAsync(ok, WebhookSigner.SignatureHeader(ok, secret, DateTimeOffset.UtcNow.AddMinutes(-10)));
        await AssertRefusedAsync(ok, null);
        var unversioned = Body(null);
        await AssertRefusedAsync(unversioned, WebhookSigner.SignatureHeader(unversioned, secret, DateTimeOffset.UtcNow));
        var other = Body("2020-08-27");
        await AssertRefusedAsync(other, WebhookSigner.SignatureHeader(other, secret, DateTimeOffset.UtcNow));

        Assert.Equal(events, await w.ScalarAsync($"select count(*) from {w.Table("stripe_events")}"));

        async Task AssertRefusedAsync(string body, string? signature)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/stripe/webhook")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
            await (await w.Client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        }
    }

    [Fact]
    public async Task a_webhook_delivered_twice_or_again_later_credits_once()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (topUp, checkout) = await w.StartedAsync(idea, residents[0], 700);
        w.Sandbox.Chaos.DeliverEventsTwice = true;
        try
        {
            await w.PayAsync(checkout);
            await w.WaitForAsync(topUp, "paid");
            var sessionId = checkout[(checkout.LastIndexOf('/') + 1)..];
            // Both copies arrive (the second is a duplicate by its event id).
            var completed = await WaitForEventAsync("checkout.session.completed", sessionId);
            var until = DateTime.UtcNow.AddSeconds(10);
            while (await w.Sandbox.DeliveryAttemptsAsync(completed) < 2 && DateTime.UtcNow < until) await Task.Delay(100);
            Assert.True(await w.Sandbox.DeliveryAttemptsAsync(completed) >= 2);
        }
        finally
        {
            w.Sandbox.Chaos.DeliverEventsTwice = false;
        }

        // Days later Stripe sends the same event again, freshly signed.
        var body = await w.ScalarTextAsync("select body from stripe_sandbox.events where body::jsonb->'data'->'object'->>'client_reference_id' = $1 and type = 'checkout.session.completed'", topUp.ToString());
        Assert.NotNull(body);
        var again = await w.PostSignedWebhookAsync(body);
        Assert.Equal("duplicate", (await ApiWorld.OkJsonAsync(again)).GetProperty("outcome").GetString());

        Assert.Equal(700, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
        Assert.Equal(1, await w.ScalarAsync(
            $"select count(*) from {w.Table("mt_events")} where stream_id = $1 and type = 'top_up_received'", idea));
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task a_payment_the_idea_can_no_longer_take_is_turned_away_and_refunded_at_once()
    {
        var (idea, residents) = await w.OpenIdeaAsync(1000);
        var (topUp, checkout) = await w.StartedAsync(idea, residents[0], 300);
        // Meanwhile the neighbours fill the idea.
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, residents[0], 300), HttpStatusCode.Created);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, residents[1], 300), HttpStatusCode.Created);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(idea, residents[2], 400), HttpStatusCode.Created);
        Assert.Equal("funded", (await w.IdeaAsync(idea)).GetProperty("state").GetString());

        await w.PayAsync(checkout);

        var refunded = await w.WaitForAsync(topUp, "refunded");
        Assert.Equal(300, refunded.GetProperty("refundedCents").GetInt64());
        Assert.Equal(0, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
        Assert.Equal(1, await w.SandboxRefundsAsync(await w.PaymentOfAsync(topUp)));
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task an_idea_withdrawn_after_top_ups_refunds_each_paid_one_once_and_closes_open_checkouts()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (paid, checkout) = await w.StartedAsync(idea, residents[1], 500);
        var (unpaid, _) = await w.StartedAsync(idea, residents[2], 200);
        await w.PayAsync(checkout);
        await w.WaitForAsync(paid, "paid");

        await w.PostJsonAsync($"/api/v1/ideas/{idea}/withdraw", residents[0]);

        var refunded = await w.WaitForAsync(paid, "refunded");
        Assert.Equal(500, refunded.GetProperty("refundedCents").GetInt64());
        await w.WaitForAsync(unpaid, "expired");   // its checkout was closed: nobody can pay into a failed idea
        await Task.Delay(500);   // anything that would come twice has had its chance
        Assert.Equal(1, await w.SandboxRefundsAsync(await w.PaymentOfAsync(paid)));
        var audit = await w.GetJsonAsync($"/api/v1/programs/{w.ProgramId}/audit", w.Auditor);
        Assert.True(audit.GetProperty("refundedCents").GetInt64() >= 500);
        var byIdea = audit.GetProperty("byIdea").EnumerateArray().Single(i => i.GetProperty("ideaId").GetGuid() == idea);
        Assert.Equal((500L, 500L), (byIdea.GetProperty("toppedUpCents").GetInt64(), byIdea.GetProperty("refundedCents").GetInt64()));
        var journal = await (await w.GetAsync($"/api/v1/programs/{w.ProgramId}/journal.csv", w.Auditor)).Content.ReadAsStringAsync();
        Assert.Contains(journal.Split('\n'), l => l.Contains($"idea:{idea},payments:stripe,500"));
        Assert.Contains(journal.Split('\n'), l => l.Contains($"payments:stripe,idea:{idea},500"));
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task a_refund_that_fails_first_is_tried_again_with_a_new_key_and_refunds_once()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (topUp, checkout) = await w.StartedAsync(idea, residents[1], 600);
        await w.PayAsync(checkout);
        await w.WaitForAsync(topUp, "paid");
        w.Sandbox.Chaos.FailNextRefunds();

        await w.PostJsonAsync($"/api/v1/ideas/{idea}/withdraw", residents[0]);

        var refunded = await w.WaitForAsync(topUp, "refunded", seconds: 40);
        Assert.Equal(600, refunded.GetProperty("refundedCents").GetInt64());
        var payment = await w.PaymentOfAsync(topUp);
        Assert.Equal(1, await w.SandboxRefundsAsync(payment, "failed"));
        Assert.Equal(1, await w.SandboxRefundsAsync(payment, "succeeded"));
        Assert.Equal(1, await w.ScalarAsync($"select count(*) from {w.Table("mt_events")} where stream_id = $1 and type = 'top_up_refund_failed'", idea));
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task a_session_that_expires_unpaid_lapses_and_never_counts()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (topUp, checkout) = await w.StartedAsync(idea, residents[0], 900);

        await w.Sandbox.ExpireSessionAsync(checkout[(checkout.LastIndexOf('/') + 1)..]);

        var expired = await w.WaitForAsync(topUp, "expired");
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("checkoutUrl").ValueKind);
        Assert.Equal(0, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task stripe_trouble_while_starting_still_gives_one_checkout()
    {
        var (idea, residents) = await w.OpenIdeaAsync(5000);
        var chaos = w.Sandbox.Chaos;

        chaos.FailNext(429, pathContains: "/v1/checkout/sessions");
        chaos.FailNext(500, pathContains: "/v1/checkout/sessions");
        var a = await w.StartedAsync(idea, residents[0], 100, "trouble-a");

        chaos.DropConnectionAfterWork(pathContains: "/v1/checkout/sessions");
        var b = await w.StartedAsync(idea, residents[0], 100, "trouble-b");

        chaos.AnswerSlowly(TimeSpan.FromMilliseconds(700), pathContains: "/v1/checkout/sessions");
        var c = await w.StartedAsync(idea, residents[0], 100, "trouble-c");

        // Stripe away for longer than the retries: 503, the top-up is kept; the same key later finishes it.
        chaos.FailNext(500, times: 4, pathContains: "/v1/checkout/sessions");   // every try (Retry:Tries is 4)
        await (await w.StartTopUpAsync(idea, residents[0], 100, "trouble-d")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(0, await w.Sandbox.CountSessionsAsync((await w.ScalarGuidAsync(
            $"select top_up_id from {w.Table("topup_checkouts")} where session_id is null")).ToString()));
        var d = await w.StartedAsync(idea, residents[0], 100, "trouble-d");

        foreach (var (topUp, url) in new[] { a, b, c, d })
        {
            Assert.Equal(1, await w.Sandbox.CountSessionsAsync(topUp.ToString()));
            Assert.Equal("pending", (await w.TopUpAsync(topUp)).GetProperty("state").GetString());
            Assert.StartsWith(w.BaseUrl, url);
        }
    }

    [Fact]
    public async Task webhooks_held_and_delivered_newest_first_still_settle_each_top_up_once()
    {
        var (idea, residents) = await w.OpenIdeaAsync(3000);
        var chaos = w.Sandbox.Chaos;
        chaos.HoldDeliveries();
        (Guid Id, string Url) paid, lapsed;
        try
        {
            paid = await w.StartedAsync(idea, residents[0], 400);
            lapsed = await w.StartedAsync(idea, residents[1], 300);
            await w.PayAsync(paid.Url);
            await w.Sandbox.ExpireSessionAsync(lapsed.Url[(lapsed.Url.LastIndexOf('/') + 1)..]);
            await w.Sandbox.ExpireSessionAsync(paid.Url[(paid.Url.LastIndexOf('/') + 1)..]);   // paid: stays complete
            await Task.Delay(300);
            Assert.Equal("pending", (await w.TopUpAsync(paid.Id)).GetProperty("state").GetString());
        }
        finally
        {
            chaos.ReleaseDeliveries(newestFirst: true);
        }

        await w.WaitForAsync(paid.Id, "paid");
        await w.WaitForAsync(lapsed.Id, "expired");
        Assert.Equal(400, (await w.IdeaAsync(idea)).GetProperty("toppedUpCents").GetInt64());
        await AssertReconcilesAsync();
    }

    [Fact]
    public async Task a_pending_refund_whose_webhook_never_comes_is_settled_by_asking_stripe()
    {
        var (idea, residents) = await w.OpenIdeaAsync(2000);
        var (topUp, checkout) = await w.StartedAsync(idea, residents[1], 350);
        await w.PayAsync(checkout);
        await w.WaitForAsync(topUp, "paid");
        w.Sandbox.Chaos.HoldDeliveries();
        try
        {
            await w.PostJsonAsync($"/api/v1/ideas/{idea}/withdraw", residents[0]);

            // No refund.updated arrives; the check a second later (RefundCheckAfterSeconds) asks Stripe.
            await w.WaitForAsync(topUp, "refunded");
        }
        finally
        {
            w.Sandbox.Chaos.ReleaseDeliveries();
        }
        await Task.Delay(1000);   // the held refund.updated arrives late: nothing changes
        Assert.Equal(1, await w.SandboxRefundsAsync(await w.PaymentOfAsync(topUp)));
        Assert.Equal(1, await w.ScalarAsync($"select count(*) from {w.Table("mt_events")} where stream_id = $1 and type = 'top_up_refunded'", idea));
        await AssertReconcilesAsync();
    }

    private async Task<string> WaitForEventAsync(string type, string sessionId)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var id = await w.ScalarTextAsync("select id from stripe_sandbox.events where type = $1 and body::jsonb->'data'->'object'->>'id' = $2", type, sessionId);
            if (id is not null) return id;
            if (DateTime.UtcNow > until) Assert.Fail($"No {type} for {sessionId}.");
            await Task.Delay(100);
        }
    }
}
