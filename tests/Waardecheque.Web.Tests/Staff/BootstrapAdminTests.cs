using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Waardecheque.Testing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Staff;

public sealed class BootstrapAdminTests
{
    [Fact]
    public async Task the_bootstrap_admin_is_created_once_and_a_later_configuration_adds_nobody()
    {
        var database = await TestDatabase.CreateDatabaseAsync(nameof(BootstrapAdminTests));
        await using (var first = new TestApp(database))
        {
            await first.CreateClient().SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        }

        await using var second = new TestApp(database, new Dictionary<string, string?>
        {
            [WebConfig.BootstrapAdminEmail] = "indringer@example.org",
            [WebConfig.BootstrapAdminPassword] = "een ander wachtwoord",
        });
        var client = second.CreateClient();
        var intruder = await client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = "indringer@example.org", password = "een ander wachtwoord" });

        await intruder.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from waardecheque.staff", db);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task the_tables_live_in_the_configured_schema()
    {
        var database = await TestDatabase.CreateDatabaseAsync(nameof(BootstrapAdminTests));
        await using var app = new TestApp(database, new Dictionary<string, string?> { [WebConfig.Schema] = "gemeente_zoetermeer" });

        await app.CreateClient().SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var tables = new NpgsqlCommand(
            "select table_schema || '.' || table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')", db);
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        // Every table of the app (auth, API, event store, read models) is in the configured schema, none elsewhere.
        Assert.All(names, n => Assert.StartsWith("gemeente_zoetermeer.", n));
        Assert.Contains("gemeente_zoetermeer.staff", names);
        Assert.Contains("gemeente_zoetermeer.auth_sessions", names);
        Assert.Contains("gemeente_zoetermeer.api_idempotency", names);
        // Wolverine keeps its envelope tables (durable inbox, outbox, scheduled messages) in Marten's schema, the app's.
        Assert.Contains("gemeente_zoetermeer.wolverine_incoming_envelopes", names);
    }
}
