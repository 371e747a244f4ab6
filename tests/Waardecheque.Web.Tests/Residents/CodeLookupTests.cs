using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Cheques;
using Waardecheque.ReadModels;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Residents;

public sealed class CodeLookupWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
    }
}

/// <summary>DOMAIN.md, "Cheque": a code is stored only in a form that needs the server key to test a guess.</summary>
public sealed class CodeLookupTests(CodeLookupWorld w) : IClassFixture<CodeLookupWorld>
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(ApiWorld.CodeKey);

    [Fact]
    public async Task the_events_of_an_issued_and_a_reissued_cheque_carry_no_trace_of_their_codes()
    {
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 6);
        var reissued = await w.PostJsonAsync($"/api/v1/cheques/{chequeId}/reissue", w.Admin, expected: HttpStatusCode.Created);
        var newId = reissued.GetProperty("chequeId").GetGuid();

        foreach (var id in new[] { chequeId, newId })
        {
            var body = await (await w.GetAsync($"/api/v1/streams/{id}/events", w.Auditor)).Content.ReadAsStringAsync();
            Assert.Contains("cheque_issued", body);
            Assert.DoesNotContain("codeHash", body, StringComparison.OrdinalIgnoreCase);
            foreach (var trace in TracesOf(ChequeCode.Derive(Key, id))) Assert.DoesNotContain(trace, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task a_code_is_found_through_its_keyed_lookup_value_and_rm_cheques_keeps_nothing_else_of_it()
    {
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 7);
        var db = w.App.Services.GetRequiredService<StoreHolder>().Store.DataSource;

        await using (var columns = db.CreateCommand(
                         "select string_agg(column_name, ',') from information_schema.columns where table_schema = current_schema() and table_name = 'rm_cheques'"))
            Assert.DoesNotContain("code_hash", (string)(await columns.ExecuteScalarAsync())!);
        await using (var stored = db.CreateCommand("select code_lookup from rm_cheques where id = $1"))
        {
            stored.Parameters.Add(new Npgsql.NpgsqlParameter { Value = chequeId });
            Assert.Equal(new CodeLookup(Key).OfCheque(chequeId), (byte[])(await stored.ExecuteScalarAsync())!);
        }
        var session = await w.PostJsonAsync("/api/v1/resident/sessions", null, new { code = ApiWorld.CodeOf(chequeId) });
        Assert.Equal(chequeId, session.GetProperty("cheque").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task an_app_with_another_key_finds_no_cheque_for_a_real_code()
    {
        await using var other = new TestApp(w.App.ConnectionString, new Dictionary<string, string?>
        {
            [WebConfig.CodeKey] = "quite another key, also long enough to start",
        });
        var code = ApiWorld.CodeFor(w.ProgramId, "Rozentuin", 8);

        var response = await other.CreateClient().PostAsJsonAsync("/api/v1/resident/sessions", new { code });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>Every form in which a code could leak: itself, its plain SHA-256 (hex, base64) and its lookup value.</summary>
    public static IEnumerable<string> TracesOf(ChequeCode code)
    {
        var sha256 = SHA256.HashData(Encoding.ASCII.GetBytes(code.Normalised));
        var lookup = new CodeLookup(Key).Of(code);
        return [code.Normalised, code.ToString(), Convert.ToHexString(sha256), Convert.ToBase64String(sha256),
            Convert.ToHexString(lookup), Convert.ToBase64String(lookup)];
    }
}
