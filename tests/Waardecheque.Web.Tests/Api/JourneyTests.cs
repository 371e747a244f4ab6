using System.Globalization;
using System.Net;
using System.Text.Json;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api;

public sealed class JourneyWorld : ApiWorld;

/// <summary>
/// One program from the first CSV to the auditor's check, entirely over HTTP, as the municipality, residents,
/// connectors and the auditor do it.
/// </summary>
public sealed class JourneyTests(JourneyWorld w) : IClassFixture<JourneyWorld>
{
    [Fact]
    public async Task a_program_runs_from_address_list_to_reconciled_books()
    {
        // ---- The municipality sets up the program and imports its address list.
        var programId = await w.CreateProgramAsync();
        var program = await w.GetJsonAsync($"/api/v1/programs/{programId}", w.Admin);
        Assert.Equal("draft", program.GetProperty("state").GetString());

        const string badCsv = """
            postcode;huisnummer;huisletter;toevoeging;straat;buurtcode
            2716 BA;1;;;Rozentuin;BU06370301
            0716 BA;2;;;Rozentuin;BU06370301
            2716 SA;3;;;Rozentuin;BU06370301
            2716 BA;0;;;Rozentuin;BU06370301
            2716 BA;5;AB;;Rozentuin;BU06370301
            2716 BA;6;;TOOLONG;Rozentuin;BU06370301
            2716 BA;7;;;;BU06370301
            2716 BA;8;;;Rozentuin;BU06379999
            """;
        var rejected = await w.ImportAsync(programId, badCsv);
        var problem = await rejected.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_rows");
        var rows = problem.GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3, "postcode"), (4, "postcode"), (5, "huisnummer"), (6, "huisletter"), (7, "toevoeging"), (8, "straat"), (9, "buurtcode")], rows);
        Assert.Equal(0, (await w.GetJsonAsync($"/api/v1/programs/{programId}", w.Admin)).GetProperty("households").GetInt32());

        var csvWithDuplicate = ApiWorld.StandardCsv() + "2716 ba,1,,,Rozentuin,BU06370301\n";
        var imported = await ApiWorld.OkJsonAsync(await w.ImportAsync(programId, csvWithDuplicate));
        Assert.Equal(ApiWorld.StandardHouseholds, imported.GetProperty("imported").GetInt32());
        Assert.Equal(1, imported.GetProperty("duplicates").GetInt32());
        var again = await ApiWorld.OkJsonAsync(await w.ImportAsync(programId, ApiWorld.StandardCsv()));
        Assert.Equal(0, again.GetProperty("imported").GetInt32());
        Assert.Equal(ApiWorld.StandardHouseholds, again.GetProperty("duplicates").GetInt32());

        // ---- Cheques are issued once, whatever happens twice.
        var issued = await w.PostJsonAsync($"/api/v1/programs/{programId}/cheques/issue", w.Admin);
        Assert.Equal(ApiWorld.StandardHouseholds, issued.GetProperty("issued").GetInt32());
        Assert.Equal(ApiWorld.StandardHouseholds * 750L, issued.GetProperty("totalCents").GetInt64());
        var issuedAgain = await w.PostJsonAsync($"/api/v1/programs/{programId}/cheques/issue", w.Admin);
        Assert.Equal(0, issuedAgain.GetProperty("issued").GetInt32());
        Assert.Equal("open", (await w.PostJsonAsync($"/api/v1/programs/{programId}/open", w.Admin)).GetProperty("state").GetString());

        // ---- Residents scan their letters: the first session activates the cheque.
        var a = await w.ResidentAsync(programId, "Rozentuin", 1);
        var b = await w.ResidentAsync(programId, "Rozentuin", 2);
        var c = await w.ResidentAsync(programId, "Rozentuin", 3);
        var e = await w.ResidentAsync(programId, "Noordvaart", 1);
        var aCheque = await w.GetJsonAsync("/api/v1/resident/cheque", a);
        Assert.Equal("activated", aCheque.GetProperty("state").GetString());
        Assert.Equal(750, aCheque.GetProperty("availableCents").GetInt64());

        // ---- A proposes an idea for the Rozentuin; a connector approves it.
        var ideaId = await w.ProposeAsync(a, "Picknicktafel in de Rozentuin", ApiWorld.Street("Rozentuin"), 1500);
        Assert.Equal("submitted", (await w.GetJsonAsync($"/api/v1/ideas/{ideaId}", w.Moderator)).GetProperty("state").GetString());
        Assert.Equal("open", (await w.PostJsonAsync($"/api/v1/ideas/{ideaId}/approve", w.Moderator)).GetProperty("state").GetString());

        // ---- Pledges up to the target; nobody fills it alone: three households are needed.
        var first = await ApiWorld.OkJsonAsync(await w.PledgeAsync(ideaId, a, 750), HttpStatusCode.Created);
        Assert.Equal(750, first.GetProperty("pledgedCents").GetInt64());
        Assert.Equal(1, first.GetProperty("households").GetInt32());
        var alone = await (await w.PledgeAsync(ideaId, b, 750)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "needs_more_neighbours");
        Assert.Equal(1, alone.GetProperty("householdsMissing").GetInt32());
        Assert.Equal(650, alone.GetProperty("maxAmountCents").GetInt64());
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(ideaId, b, 650), HttpStatusCode.Created);
        var over = await (await w.PledgeAsync(ideaId, c, 200)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "target_exceeded");
        Assert.Equal(100, over.GetProperty("stillNeededCents").GetInt64());
        var funded = await ApiWorld.OkJsonAsync(await w.PledgeAsync(ideaId, c, 100), HttpStatusCode.Created);
        Assert.Equal("funded", funded.GetProperty("state").GetString());
        Assert.Equal(3, funded.GetProperty("households").GetInt32());
        Assert.Equal(1500, funded.GetProperty("pledgedCents").GetInt64());

        var bCheque = await w.GetJsonAsync("/api/v1/resident/cheque", b);
        Assert.Equal(100, bCheque.GetProperty("availableCents").GetInt64());
        Assert.Equal(0, bCheque.GetProperty("pledgedCents").GetInt64());
        Assert.Equal(650, bCheque.GetProperty("committedCents").GetInt64());
        await (await w.SendAsync(HttpMethod.Delete, $"/api/v1/ideas/{ideaId}/pledges/mine", b))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idea_not_open");

        // ---- Spending with four eyes: whoever submitted an expense never decides or pays it.
        var receipt = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/ideas/{ideaId}/expenses", a,
            ApiWorld.ExpenseForm(900, ApiWorld.PdfReceipt)), HttpStatusCode.Created);
        var tafel = receipt.GetProperty("id").GetGuid();
        var aChequeId = aCheque.GetProperty("id").GetGuid();
        var onBehalf = await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/ideas/{ideaId}/expenses", w.Moderator,
            ApiWorld.ExpenseForm(300, ApiWorld.PdfReceipt, payee: "Bouwmarkt", description: "Schroeven en beits",
                extra: new Dictionary<string, string> { ["onBehalf"] = "true", ["chequeId"] = aChequeId.ToString() })), HttpStatusCode.Created);
        var beits = onBehalf.GetProperty("id").GetGuid();
        await (await w.PostAsync($"/api/v1/expenses/{beits}/approve", w.Moderator)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "same_person");
        Assert.Equal("approved", (await w.PostJsonAsync($"/api/v1/expenses/{beits}/approve", w.Admin)).GetProperty("state").GetString());
        Assert.Equal("approved", (await w.PostJsonAsync($"/api/v1/expenses/{tafel}/approve", w.Moderator)).GetProperty("state").GetString());
        var tooMuch = await (await w.PostAsync($"/api/v1/ideas/{ideaId}/expenses", a, ApiWorld.ExpenseForm(400, ApiWorld.PdfReceipt)))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "over_budget");
        Assert.Equal(300, tooMuch.GetProperty("remainingCents").GetInt64());
        var late = (await ApiWorld.OkJsonAsync(await w.PostAsync($"/api/v1/ideas/{ideaId}/expenses", a,
            ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt)), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var pending = await (await w.PostAsync($"/api/v1/ideas/{ideaId}/complete", w.Moderator))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "expenses_pending");
        Assert.Equal(1, pending.GetProperty("pendingExpenses").GetInt32());
        Assert.Equal("rejected", (await w.PostJsonAsync($"/api/v1/expenses/{late}/reject", w.Moderator, new { reason = "Geen bon van deze winkel." }))
            .GetProperty("state").GetString());
        await (await w.PostAsync($"/api/v1/expenses/{beits}/paid", w.Moderator, new { reference = "NL-2026-0007" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "same_person");
        Assert.Equal("paid", (await w.PostJsonAsync($"/api/v1/expenses/{beits}/paid", w.Admin, new { reference = "NL-2026-0007" }))
            .GetProperty("state").GetString());
        Assert.Equal("paid", (await w.PostJsonAsync($"/api/v1/expenses/{tafel}/paid", w.Moderator, new { reference = "NL-2026-0008" }))
            .GetProperty("state").GetString());
        var completed = await w.PostJsonAsync($"/api/v1/ideas/{ideaId}/complete", w.Moderator);
        Assert.Equal(1500, completed.GetProperty("budgetCents").GetInt64());
        Assert.Equal(1200, completed.GetProperty("spentCents").GetInt64());
        Assert.Equal(300, completed.GetProperty("returnedCents").GetInt64());

        // ---- A second idea is still open when the program closes: its pledge goes back and expires.
        var vaarten = await w.OpenIdeaAsync(e, ApiWorld.Buurt(ApiWorld.Vaarten), 2000);
        await ApiWorld.OkJsonAsync(await w.PledgeAsync(vaarten, e, 500), HttpStatusCode.Created);
        var before = await w.GetJsonAsync($"/api/v1/programs/{programId}/audit", w.Auditor);
        Assert.Equal(500, before.GetProperty("pledgedOpenCents").GetInt64());
        Assert.True(before.GetProperty("reconciles").GetBoolean());

        Assert.Equal("closed", (await w.PostJsonAsync($"/api/v1/programs/{programId}/close", w.Admin)).GetProperty("state").GetString());
        Assert.Equal("expired", (await w.GetJsonAsync($"/api/v1/ideas/{vaarten}")).GetProperty("state").GetString());
        await (await w.PledgeAsync(vaarten, e, 100)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "cheque_not_usable");

        // ---- The auditor: the books reconcile and say exactly what happened.
        var audit = await w.GetJsonAsync($"/api/v1/programs/{programId}/audit", w.Auditor);
        var households = ApiWorld.StandardHouseholds;
        Assert.True(audit.GetProperty("reconciles").GetBoolean());
        Assert.Equal(households * 750L, audit.GetProperty("issuedCents").GetInt64());
        Assert.Equal(4 * 750L, audit.GetProperty("activatedCents").GetInt64());
        Assert.Equal(0, audit.GetProperty("availableCents").GetInt64());
        Assert.Equal(0, audit.GetProperty("pledgedOpenCents").GetInt64());
        Assert.Equal(1500, audit.GetProperty("committedCents").GetInt64());
        Assert.Equal(1200, audit.GetProperty("spentCents").GetInt64());
        Assert.Equal(300, audit.GetProperty("returnedCents").GetInt64());
        Assert.Equal(households * 750L - 1500, audit.GetProperty("expiredCents").GetInt64());
        var participation = audit.GetProperty("participation");
        Assert.Equal(households, participation.GetProperty("households").GetInt32());
        Assert.Equal(4, participation.GetProperty("activated").GetInt32());
        Assert.Equal(2, participation.GetProperty("ideas").GetInt32());
        Assert.Equal(1, participation.GetProperty("funded").GetInt32());
        var byIdea = audit.GetProperty("byIdea").EnumerateArray().ToDictionary(i => i.GetProperty("ideaId").GetGuid());
        Assert.Equal("completed", byIdea[ideaId].GetProperty("state").GetString());
        Assert.Equal("expired", byIdea[vaarten].GetProperty("state").GetString());

        // ---- The journal: every movement a line, all accounts together exactly zero.
        var journal = await w.GetAsync($"/api/v1/programs/{programId}/journal.csv", w.Auditor);
        Assert.Equal(HttpStatusCode.OK, journal.StatusCode);
        Assert.Equal("text/csv", journal.Content.Headers.ContentType?.MediaType);
        var lines = (await journal.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("seq,time,eventType,debitAccount,creditAccount,amountCents,streamId,actor", lines[0]);
        var balances = new Dictionary<string, long>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            var amount = long.Parse(f[5], CultureInfo.InvariantCulture);
            balances[f[3]] = balances.GetValueOrDefault(f[3]) + amount;
            balances[f[4]] = balances.GetValueOrDefault(f[4]) - amount;
        }
        Assert.Equal(0, balances.Values.Sum());
        Assert.Equal(1200, balances["spent"]);
        Assert.Equal(300, balances["returned"]);
        Assert.Equal(-1500, balances["municipality"]);   // net handed out: only what went into the funded idea
        Assert.All(balances.Where(kv => kv.Key.StartsWith("cheque:")), kv => Assert.Equal(0, kv.Value));

        // ---- Every event behind it, with its hash chain intact.
        var stream = await w.GetJsonAsync($"/api/v1/streams/{ideaId}/events", w.Auditor);
        var events = stream.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("idea_proposed", events[0].GetProperty("type").GetString());
        Assert.Contains(events, ev => ev.GetProperty("type").GetString() == "idea_funded");
        Assert.Equal("idea_completed", events[^1].GetProperty("type").GetString());
        Assert.All(events, ev => Assert.Matches("^[0-9a-f]{64}$", ev.GetProperty("hash").GetString()));
        Assert.Equal(events[^1].GetProperty("hash").GetString(), stream.GetProperty("headHash").GetString());
        var approval = events.Single(ev => ev.GetProperty("type").GetString() == "idea_approved");
        Assert.Equal($"staff:{w.ModeratorId}", approval.GetProperty("actor").GetString());
        var submittedOnBehalf = events.Single(ev => ev.GetProperty("type").GetString() == "expense_submitted"
                                                    && ev.GetProperty("data").GetProperty("amountCents").GetInt64() == 300);
        Assert.Equal($"staff:{w.ModeratorId}", submittedOnBehalf.GetProperty("actor").GetString());

        var verify = await w.GetJsonAsync("/api/v1/audit/verify", w.Auditor);
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, verify.GetProperty("firstBrokenSeq").ValueKind);
        Assert.True(verify.GetProperty("events").GetInt64() > 20);
        Assert.Matches("^[0-9a-f]{64}$", verify.GetProperty("checkpoint").GetProperty("hash").GetString());
    }
}
