using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Operations;
using Waardecheque.Web.Tests.Support;
using Xunit.Abstractions;

namespace Waardecheque.Web.Tests.Operations;

/// <summary>A program with households, issued cheques, an approved idea and a pledge, all through the API.</summary>
public sealed class OpsWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }
    public Guid IdeaId { get; private set; }
    public string Neighbour { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        var initiator = await ResidentAsync(ProgramId, "Rozentuin", 1);
        IdeaId = await OpenIdeaAsync(initiator, Street("Rozentuin"), 2000);
        Neighbour = await ResidentAsync(ProgramId, "Rozentuin", 2);
        await OkJsonAsync(await PledgeAsync(IdeaId, Neighbour, 300), HttpStatusCode.Created);
        await OkJsonAsync(await PledgeAsync(IdeaId, initiator, 450), HttpStatusCode.Created);
    }

    /// <summary>The app's settings as an operator would set them for the commands.</summary>
    public IConfiguration Config(string? codeKey = null) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Waardecheque"] = App.ConnectionString,
        [WebConfig.CodeKey] = codeKey ?? CodeKey,
    }).Build();

    public async Task<(int Exit, string Out, string Error)> OpsAsync(params string[] args) => await OpsAsync(Config(), args);

    public static async Task<(int Exit, string Out, string Error)> OpsAsync(IConfiguration config, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await OperatorCommands.RunAsync(args, config, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public async Task<NpgsqlConnection> SqlAsync()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(App.ConnectionString) { SearchPath = WebConfig.DefaultSchema }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var conn = await SqlAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = await SqlAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public Task<string> TextAsync(HttpResponseMessage response) => response.Content.ReadAsStringAsync();
}

/// <summary>
/// The operator's commands (docs/operations.md, "Operator commands"), called in process the way WebProgram.Main calls
/// them, against a fresh database with real activity. A new world (app and database) for every test.
/// </summary>
public sealed class OperatorCommandTests(ITestOutputHelper log) : IAsyncLifetime
{
    private readonly OpsWorld w = new();

    public Task InitializeAsync() => w.InitializeAsync();
    public Task DisposeAsync() => w.DisposeAsync();

    private static readonly string[] AuditTables =
        ["rm_audit_checkpoint", "rm_audit_programs", "rm_audit_buurten", "rm_audit_ideas", "rm_audit_idea_pledges",
         "rm_audit_cheques", "rm_audit_households", "rm_audit_days"];

    /// <summary>Every row of the audit projection's tables, in a stable order.</summary>
    private async Task<string> AuditRowsAsync()
    {
        var parts = new List<string>();
        foreach (var table in AuditTables)
            parts.Add(table + ": " + await w.ScalarAsync<string>($"select coalesce(json_agg(t::text order by t::text), '[]')::text from {table} t"));
        return string.Join('\n', parts);
    }

    /// <summary>What the API answers from the rm_* read models.</summary>
    private async Task<string> ReadModelAnswersAsync() => string.Join('\n',
        await w.TextAsync(await w.GetAsync($"/api/v1/ideas/{w.IdeaId}")),
        await w.TextAsync(await w.GetAsync($"/api/v1/programs/{w.ProgramId}/ideas")),
        await w.TextAsync(await w.GetAsync($"/api/v1/programs/{w.ProgramId}", w.Admin)),
        await w.TextAsync(await w.GetAsync("/api/v1/resident/cheque", w.Neighbour)));

    private Task<long> LastSeqAsync() => w.ScalarAsync<long>("select coalesce(max(seq_id), 0) from mt_events");

    private async Task WaitForTheDaemonAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (await w.ScalarAsync<long>("select coalesce((select last_seq from rm_audit_checkpoint where id = 1), 0)") != await LastSeqAsync())
        {
            Assert.True(DateTime.UtcNow < until, "the app's daemon did not catch up with the log in 60 s");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task rebuild_read_models_brings_wiped_and_corrupted_rm_tables_back_to_what_the_api_answered()
    {
        var before = await ReadModelAnswersAsync();
        Assert.Contains("\"pledgedCents\":750", before);

        await w.ExecuteAsync("truncate rm_ideas, rm_pledges; update rm_cheques set available_cents = available_cents + 5000; delete from rm_households");
        Assert.Equal(HttpStatusCode.NotFound, (await w.GetAsync($"/api/v1/ideas/{w.IdeaId}")).StatusCode);
        Assert.NotEqual(before, await ReadModelAnswersAsync());

        // Another code key would give every cheque a lookup no letter matches: refused, nothing touched.
        var wrongKey = await OpsWorld.OpsAsync(w.Config(codeKey: new string('x', 40)), "rebuild-read-models");
        Assert.Equal(OperatorCommands.Failed, wrongKey.Exit);
        Assert.Contains("Refused", wrongKey.Error);
        Assert.Equal(HttpStatusCode.NotFound, (await w.GetAsync($"/api/v1/ideas/{w.IdeaId}")).StatusCode);

        var (exit, output, error) = await w.OpsAsync("rebuild-read-models");

        Assert.True(exit == OperatorCommands.Ok, error);
        Assert.Contains($"from {await w.ScalarAsync<long>("select count(*) from mt_events")} events", output);
        Assert.Equal(before, await ReadModelAnswersAsync());
    }

    [Fact]
    public async Task rebuild_audit_is_refused_while_an_app_runs_the_projection_and_afterwards_rebuilds_it_exactly()
    {
        await WaitForTheDaemonAsync();
        var rows = await AuditRowsAsync();
        var audit = await w.TextAsync(await w.GetAsync($"/api/v1/programs/{w.ProgramId}/audit", w.Auditor));
        Assert.Contains("\"pledgedOpenCents\":750", audit);

        // The app's daemon holds the projection: a rebuild now would lose events.
        var refused = await w.OpsAsync("rebuild-audit");
        log.WriteLine(refused.Error);
        Assert.Equal(OperatorCommands.Failed, refused.Exit);
        Assert.Contains("Refused", refused.Error);
        Assert.Equal(rows, await AuditRowsAsync());

        await w.App.DisposeAsync();
        await w.ExecuteAsync("update rm_audit_programs set issued_cents = issued_cents + 12345; delete from rm_audit_ideas; delete from rm_audit_days; " +
                             "delete from rm_audit_cheques where ctid in (select ctid from rm_audit_cheques limit 3)");
        Assert.NotEqual(rows, await AuditRowsAsync());

        var (exit, output, error) = await w.OpsAsync("rebuild-audit");

        Assert.True(exit == OperatorCommands.Ok, error);
        var last = await LastSeqAsync();
        Assert.Contains($"replayed {await w.ScalarAsync<long>("select count(*) from mt_events")} events up to seq_id {last}", output);
        Assert.Equal(rows, await AuditRowsAsync());

        // And the API of an app started afterwards answers what it answered before, from the projection (tail 0).
        await using var again = TestApp.StartOn(w.App.ConnectionString, new Dictionary<string, string?> { [WebConfig.CodeKey] = ApiWorld.CodeKey });
        var client = again.CreateClient();
        var admin = await client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/programs/{w.ProgramId}/audit").WithBearer(admin);
        Assert.Equal(audit, await (await client.SendAsync(request)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task verify_says_valid_with_the_apis_checkpoint_and_names_the_event_edited_in_sql()
    {
        var api = await w.GetJsonAsync("/api/v1/audit/verify", w.Auditor);

        var (exit, output, error) = await w.OpsAsync("verify");

        Assert.True(exit == OperatorCommands.Ok, output + error);
        Assert.Contains($"Checked {api.GetProperty("events").GetInt64()} events", output);
        Assert.Contains("Result: valid", output);
        Assert.Contains($"hash {api.GetProperty("checkpoint").GetProperty("hash").GetString()}", output);

        var pledge = await w.ScalarAsync<long>("select seq_id from mt_events where type = 'credit_pledged' order by seq_id limit 1");
        Assert.NotEqual(await LastSeqAsync(), pledge);
        await w.ExecuteAsync($"update mt_events set data = jsonb_set(data, '{{amountCents}}', '1') where seq_id = {pledge}");

        var broken = await w.OpsAsync("verify");

        Assert.Equal(OperatorCommands.Failed, broken.Exit);
        Assert.Contains($"first broken event seq_id {pledge} ", broken.Out);
        Assert.DoesNotContain("valid", broken.Out.Replace("Result: BROKEN", ""));
    }

    [Fact]
    public async Task an_unknown_or_missing_command_is_a_usage_error_that_prints_the_commands()
    {
        var config = new ConfigurationBuilder().Build();
        string[][] usageErrors = [["rebuild-everything"], [], ["verify", "--force"], ["rebuild-audit", "--timeout-minutes", "soon"]];
        foreach (var args in usageErrors)
        {
            var (exit, output, error) = await OpsWorld.OpsAsync(config, args);
            Assert.True(exit == OperatorCommands.Usage, $"ops {string.Join(' ', args)}: {exit} {error}");
            Assert.Empty(output);
            foreach (var command in new[] { "verify", "rebuild-read-models", "rebuild-audit", "help" }) Assert.Contains($"  {command} ", error);
        }
        Assert.Contains("Unknown operator command 'rebuild-everything'", (await OpsWorld.OpsAsync(config, "rebuild-everything")).Error);

        var help = await OpsWorld.OpsAsync(config, "help");
        Assert.Equal(OperatorCommands.Ok, help.Exit);
        Assert.Contains("  rebuild-audit ", help.Out);

        // Main sends `ops ...` here before building the app (no database is configured, so an app start would fail).
        Assert.Equal(OperatorCommands.Usage, await WebProgram.Main(["ops", "rebuild-everything"]));
        // A command without its settings fails with one line naming the setting.
        var unset = await OpsWorld.OpsAsync(config, "verify");
        Assert.Equal(OperatorCommands.Failed, unset.Exit);
        Assert.Contains("ConnectionStrings:Waardecheque is not set", unset.Error);
    }
}
