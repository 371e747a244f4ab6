using Waardecheque.Payments.Tests.Support;
using Waardecheque.Testing;

namespace Waardecheque.Payments.Tests;

/// <summary>The sandbox's state is in PostgreSQL: a restarted app finds its sessions and replays its idempotent answers.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task sessions_and_idempotent_answers_survive_a_restart()
    {
        var database = await TestDatabase.CreateDatabaseAsync("payrestart");
        var topUp = TopUps.New();
        var key = $"topup-{topUp.TopUpId}";
        string sessionId;
        await using (var before = await SandboxHost.StartAsync("payrestart", database))
            sessionId = (await before.Payments.CreateTopUpCheckoutAsync(topUp, key)).Id;

        await using var after = await SandboxHost.StartAsync("payrestart", database);
        var replayed = await after.Payments.CreateTopUpCheckoutAsync(topUp, key);

        Assert.Equal(sessionId, replayed.Id);
        Assert.Equal("true", replayed.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("open", (await after.Payments.GetCheckoutAsync(sessionId)).Status);
    }

    [Fact]
    public async Task an_unused_sandbox_adds_no_tables_to_the_database_until_its_first_call()
    {
        await using var host = await SandboxHost.StartAsync("payunused");
        await host.Sandbox.RunBackgroundWorkAsync();
        Assert.Equal(0, await SandboxTablesAsync(host.ConnectionString));

        await host.Payments.CreateTopUpCheckoutAsync(TopUps.New(), Guid.NewGuid().ToString());

        Assert.True(await SandboxTablesAsync(host.ConnectionString) >= 5);
    }

    private static async Task<long> SandboxTablesAsync(string connectionString)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("select count(*) from information_schema.tables where table_schema = 'stripe_sandbox'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
