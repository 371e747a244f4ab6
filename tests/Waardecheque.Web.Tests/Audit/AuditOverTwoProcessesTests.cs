using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Ledger;
using Waardecheque.ReadModels;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Audit;

public sealed class AuditWorld() : OneStreetWorld(16);

/// <summary>
/// The audit endpoint reads the audit projection (with the HotCold daemon in the app processes) plus the events after
/// its checkpoint: on one process, right after each pledge on the other, it answers what the fold of the whole log
/// answers, and the journal CSV agrees with it.
/// </summary>
[Collection(HotRaces.Name)]
public sealed class AuditOverTwoProcessesTests(AuditWorld w) : IClassFixture<AuditWorld>
{
    [Fact]
    public async Task the_audit_on_one_process_right_after_each_pledge_on_the_other_is_the_fold_of_the_whole_log_and_the_journal_agrees()
    {
        await using var second = w.SecondProcess();
        var other = second.CreateClient();
        var store = w.App.Services.GetRequiredService<StoreHolder>().Store;
        var initiator = await w.ResidentAsync(w.ProgramId, "Rozentuin", 1);
        var idea = await w.OpenIdeaAsync(initiator, ApiWorld.Street("Rozentuin"), 600);

        for (var n = 2; n <= 8; n++)
        {
            var resident = await w.ResidentAsync(w.ProgramId, "Rozentuin", n);
            var status = (await w.PledgeAsync(idea, resident, 100)).StatusCode;
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity, $"pledge {n}: {status}");

            // No wait: the other process's answer must already hold this pledge.
            var audit = await GetAsync(other, $"/api/v1/programs/{w.ProgramId}/audit");
            var fold = (await ProgramLedger.BooksAsync(store, w.ProgramId)).Figures();
            AssertSame(fold, audit, $"after pledge {n}");
        }

        var final = await GetAsync(other, $"/api/v1/programs/{w.ProgramId}/audit");
        Assert.Equal(1, final.GetProperty("participation").GetProperty("funded").GetInt32());
        // The journal's accounts hold what the audit says: cheques the available credit, the idea what it got.
        var balances = await JournalBalancesAsync(other);
        Assert.Equal(final.GetProperty("availableCents").GetInt64(), balances.Where(b => b.Key.StartsWith("cheque:", StringComparison.Ordinal)).Sum(b => b.Value));
        Assert.Equal(final.GetProperty("pledgedOpenCents").GetInt64() + final.GetProperty("committedCents").GetInt64(),
            balances.Where(b => b.Key.StartsWith("idea:", StringComparison.Ordinal)).Sum(b => b.Value));
        Assert.Equal(-final.GetProperty("issuedCents").GetInt64(), balances["municipality"]);
    }

    private static void AssertSame(AuditFigures fold, JsonElement audit, string context)
    {
        var expected = new Dictionary<string, long>
        {
            ["issuedCents"] = fold.IssuedCents, ["activatedCents"] = fold.ActivatedCents, ["availableCents"] = fold.AvailableCents,
            ["pledgedOpenCents"] = fold.PledgedOpenCents, ["committedCents"] = fold.CommittedCents, ["spentCents"] = fold.SpentCents,
            ["returnedCents"] = fold.ReturnedCents, ["expiredCents"] = fold.ExpiredCents, ["toppedUpCents"] = fold.ToppedUpCents,
            ["refundedCents"] = fold.RefundedCents,
        };
        foreach (var (name, value) in expected) Assert.True(value == audit.GetProperty(name).GetInt64(), $"{context}: {name} {audit}");
        Assert.True(audit.GetProperty("reconciles").GetBoolean(), $"{context}: {audit}");
        var participation = audit.GetProperty("participation");
        Assert.Equal(fold.Participation.Pledging, participation.GetProperty("pledging").GetInt32());
        Assert.Equal(fold.Participation.Funded, participation.GetProperty("funded").GetInt32());
        var ideas = audit.GetProperty("byIdea").EnumerateArray().ToList();
        Assert.Equal(fold.ByIdea.Select(i => (i.PledgedCents, i.Households)),
            ideas.Select(i => (i.GetProperty("pledgedCents").GetInt64(), i.GetProperty("households").GetInt32())));
    }

    private async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", w.Auditor);
        return await ApiWorld.OkJsonAsync(await client.SendAsync(request));
    }

    private async Task<Dictionary<string, long>> JournalBalancesAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/programs/{w.ProgramId}/journal.csv");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", w.Auditor);
        var csv = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        var balances = new Dictionary<string, long>();
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var f = line.Split(',');
            var amount = long.Parse(f[5], CultureInfo.InvariantCulture);
            balances[f[3]] = balances.GetValueOrDefault(f[3]) + amount;
            balances[f[4]] = balances.GetValueOrDefault(f[4]) - amount;
        }
        return balances;
    }
}
