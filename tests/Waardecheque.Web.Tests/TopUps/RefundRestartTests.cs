using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Waardecheque.Domain.Ideas;
using Waardecheque.Web.Tests.Support;
using Waardecheque.Web.Features.TopUps;

namespace Waardecheque.Web.Tests.TopUps;

/// <summary>
/// A refund interrupted by the app stopping after it was recorded (the RefundTopUp message in Wolverine's durable queue,
/// committed with the idea's release) and before Stripe was called: after a restart it is made, once, under the same
/// idempotency key.
/// </summary>
public sealed class RefundRestartTests
{
    /// <summary>
    /// Holds the refund just before Stripe until the host stops, then gives up as a dying process would (Stripe is never
    /// called), and says which key it was about to send.
    /// </summary>
    private sealed class StopBeforeStripe : IRefundCallHook
    {
        public TaskCompletionSource<string> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public IHostApplicationLifetime? Lifetime { get; set; }

        public async Task BeforeStripeAsync(RefundTopUp message, string idempotencyKey, CancellationToken ct)
        {
            Reached.TrySetResult(idempotencyKey);
            await Task.Delay(Timeout.Infinite, Lifetime!.ApplicationStopping);   // throws when the host stops
        }
    }

    [Fact]
    public async Task a_refund_interrupted_between_recording_and_stripe_is_made_once_after_a_restart()
    {
        var hook = new StopBeforeStripe();
        var first = new TopUpWorld { MoreServices = s => s.AddSingleton<IRefundCallHook>(hook) };
        await first.InitializeAsync();
        hook.Lifetime = first.App.Services.GetRequiredService<IHostApplicationLifetime>();
        var database = first.App.ConnectionString;
        Guid topUp;
        string payment, key;
        try
        {
            var (idea, residents) = await first.OpenIdeaAsync(2000);
            string checkout;
            (topUp, checkout) = await first.StartedAsync(idea, residents[1], 800);
            await first.PayAsync(checkout);
            await first.WaitForAsync(topUp, "paid");
            payment = await first.PaymentOfAsync(topUp);

            await first.PostJsonAsync($"/api/v1/ideas/{idea}/withdraw", residents[0]);
            key = await hook.Reached.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal("refunding", (await first.TopUpAsync(topUp)).GetProperty("state").GetString());
        }
        finally
        {
            await first.DisposeAsync();   // the app stops with the refund recorded and Stripe not yet called
        }
        Assert.Equal(0, await CountAsync(database, "select count(*) from stripe_sandbox.objects where type = 'refund' and data->>'payment_intent' = $1", payment));

        var port = TestApp.FreePort();
        await using var second = TestApp.StartOn(database, TopUpWorld.SettingsFor(port), TopUpWorld.FastSandbox, port);
        using var client = second.CreateClient();
        var admin = await client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);

        var until = DateTime.UtcNow.AddSeconds(60);
        JsonElement state;
        do
        {
            await Task.Delay(200);
            state = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/topups/{topUp}")).RootElement.Clone();
        } while (state.GetProperty("state").GetString() != "refunded" && DateTime.UtcNow < until);

        Assert.Equal(("refunded", 800L), (state.GetProperty("state").GetString(), state.GetProperty("refundedCents").GetInt64()));
        await Task.Delay(500);
        Assert.Equal(1, await CountAsync(database, "select count(*) from stripe_sandbox.objects where type = 'refund' and data->>'payment_intent' = $1", payment));
        // The refund was asked for under the key the first process was about to send.
        Assert.Equal(1, await CountAsync(database, "select count(*) from stripe_sandbox.idempotency where scope like '%' || $1", key));
    }

    /// <summary>As an older version did: the refund goes to Wolverine's dead letters for a person.</summary>
    private sealed class DeadLetterRefunds : IRefundCallHook
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task BeforeStripeAsync(RefundTopUp message, string idempotencyKey, CancellationToken ct)
        {
            Reached.TrySetResult();
            throw new RefundImpossible("parked for a person, as before refunds were automated");
        }
    }

    [Fact]
    public async Task a_refund_left_in_the_dead_letters_is_made_once_at_the_next_start()
    {
        var hook = new DeadLetterRefunds();
        var first = new TopUpWorld { MoreServices = s => s.AddSingleton<IRefundCallHook>(hook) };
        await first.InitializeAsync();
        var database = first.App.ConnectionString;
        Guid topUp;
        string payment;
        try
        {
            var (idea, residents) = await first.OpenIdeaAsync(2000);
            string checkout;
            (topUp, checkout) = await first.StartedAsync(idea, residents[1], 450);
            await first.PayAsync(checkout);
            await first.WaitForAsync(topUp, "paid");
            payment = await first.PaymentOfAsync(topUp);
            await first.PostJsonAsync($"/api/v1/ideas/{idea}/withdraw", residents[0]);
            await hook.Reached.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await Task.Delay(500);
            Assert.Equal("refunding", (await first.TopUpAsync(topUp)).GetProperty("state").GetString());
        }
        finally
        {
            await first.DisposeAsync();
        }
        Assert.True(await CountAsync(database, "select count(*) from wolverine_dead_letters where message_type = $1", "refund_top_up") >= 1);

        var port = TestApp.FreePort();
        await using var second = TestApp.StartOn(database, TopUpWorld.SettingsFor(port), TopUpWorld.FastSandbox, port);
        using var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", await client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword));
        var until = DateTime.UtcNow.AddSeconds(60);
        string? state;
        do
        {
            await Task.Delay(200);
            state = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/topups/{topUp}")).RootElement.GetProperty("state").GetString();
        } while (state != "refunded" && DateTime.UtcNow < until);

        Assert.Equal("refunded", state);
        Assert.Equal(1, await CountAsync(database, "select count(*) from stripe_sandbox.objects where type = 'refund' and data->>'payment_intent' = $1", payment));
    }

    private static async Task<long> CountAsync(string database, string sql, string arg)
    {
        await using var db = new Npgsql.NpgsqlConnection(database);
        await db.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, db);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = arg });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
