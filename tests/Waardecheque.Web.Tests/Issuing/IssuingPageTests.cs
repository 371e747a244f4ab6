using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using JasperFx;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.Web.Features.Issuing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Issuing;

/// <summary>Batches of 5, so the 19 standard households take four transactions.</summary>
public sealed class IssuingWorld : ApiWorld
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [WebConfig.IssueBatchSize] = "5" };

    public IssuingRuns Runs => App.Services.GetRequiredService<IssuingRuns>();
    public NpgsqlDataSource Db => App.Services.GetRequiredService<StoreHolder>().Store.DataSource;

    /// <summary>Created, imported (the standard streets) and opened, but no cheques yet.</summary>
    public async Task<Guid> ProgramWithoutChequesAsync()
    {
        var id = await CreateProgramAsync();
        await OkJsonAsync(await ImportAsync(id, StandardCsv()));
        await PostJsonAsync($"/api/v1/programs/{id}/open", Admin);
        return id;
    }

    /// <summary>Some households issued the way a run that stopped halfway left them: whole batches.</summary>
    public Task<IssueResult> IssueFirstAsync(Guid programId, int households) =>
        ChequeIssuing.IssueBatchAsync(App.Services.GetRequiredService<StoreHolder>().Store, programId,
            new MessageContext("system:test"), TimeProvider.System, households);

    /// <summary>Cheque rows, households with a cheque, and cheque streams: equal when nobody got two.</summary>
    public async Task<(long Rows, long Households, long Streams)> ChequesAsync(Guid programId)
    {
        await using var cmd = Db.CreateCommand("""
            select count(*), count(distinct household_id),
                   (select count(*) from mt_streams s where s.id in (select id from rm_cheques where program_id = $1))
            from rm_cheques where program_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }

    public async Task<long> StreamsOfProgramAsync(Guid programId)
    {
        await using var cmd = Db.CreateCommand("select count(*) from mt_events where type = 'cheque_issued' and data->>'programId' = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId.ToString() });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>The manage page issues in the background, in batches, and shows how far it is from what is stored.</summary>
public sealed class IssuingPageTests(IssuingWorld w) : IClassFixture<IssuingWorld>
{
    private static string Page(Guid id) => $"/beheer/regelingen/{id}/beheren";
    private static string Issue(Guid id) => $"/beheer/regelingen/{id}/beheren?handler=Issue";
    private static string Progress(Guid id) => $"/beheer/regelingen/{id}/beheren?handler=Progress";

    private Task<PageClient> AdminAsync() => PageClient.SignInAsync(w.App, TestApp.AdminEmail, TestApp.AdminPassword);

    private static async Task<JsonElement> ProgressAsync(PageClient page, Guid id)
    {
        var response = await page.GetAsync(Progress(id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task pressing_issue_starts_a_run_in_the_background_and_the_page_then_shows_the_result()
    {
        var id = await w.ProgramWithoutChequesAsync();
        var page = await AdminAsync();

        var pressed = await page.PostFormAsync(Page(id), Issue(id));

        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        Assert.Equal($"{Page(id)}?ok=issuing", pressed.Headers.Location?.OriginalString);
        await w.Runs.LatestRunOf(id).WaitAsync(TimeSpan.FromSeconds(30));
        var progress = await ProgressAsync(page, id);
        Assert.False(progress.GetProperty("running").GetBoolean());
        Assert.Equal(ApiWorld.StandardHouseholds, progress.GetProperty("issued").GetInt32());
        Assert.Equal(ApiWorld.StandardHouseholds, progress.GetProperty("households").GetInt32());
        Assert.Equal("19 van 19 cheques aangemaakt", progress.GetProperty("text").GetString());
        var html = await page.GetHtmlAsync($"{Page(id)}?ok=issuing");
        Assert.Contains("Het uitgeven is begonnen.", html);
        Assert.Contains("Klaar: 19 cheques aangemaakt, samen € 142,50.", html);
        Assert.DoesNotContain("<progress", html);
        Assert.Equal((19, 19, 19), await w.ChequesAsync(id));
    }

    [Fact]
    public async Task progress_is_read_from_the_database_and_a_run_that_stopped_halfway_is_continued_without_duplicates()
    {
        var id = await w.ProgramWithoutChequesAsync();
        Assert.Equal(7, (await w.IssueFirstAsync(id, 7)).Issued);   // as if the app stopped after a batch of 7
        var page = await AdminAsync();

        var progress = await ProgressAsync(page, id);
        Assert.False(progress.GetProperty("running").GetBoolean());
        Assert.Equal(7, progress.GetProperty("issued").GetInt32());
        Assert.Equal("7 van 19 cheques aangemaakt", progress.GetProperty("text").GetString());
        var html = await page.GetHtmlAsync(Page(id));
        Assert.Contains("""<progress id="issue-progress" max="19" value="7" aria-labelledby="issue-progress-text">""", html);
        Assert.Contains("Nog 12 adressen zonder cheque.", html);

        await page.PostFormAsync(Page(id), Issue(id));
        await w.Runs.LatestRunOf(id).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("Klaar: 19 cheques aangemaakt, samen € 142,50.", await page.GetHtmlAsync(Page(id)));
        Assert.Equal((19, 19, 19), await w.ChequesAsync(id));
        Assert.Equal(19, await w.StreamsOfProgramAsync(id));
    }

    [Fact]
    public async Task while_a_run_is_busy_the_page_shows_its_progress_and_a_second_press_starts_nothing()
    {
        var id = await w.ProgramWithoutChequesAsync();
        await w.IssueFirstAsync(id, 5);
        var page = await AdminAsync();

        // A run busy in another app process: it holds the program's lock.
        await using (await IssuingLock.TakeAsync(w.Db, id, default))
        {
            var progress = await ProgressAsync(page, id);
            Assert.True(progress.GetProperty("running").GetBoolean());
            Assert.Equal("5 van 19 cheques aangemaakt", progress.GetProperty("text").GetString());
            var html = await page.GetHtmlAsync(Page(id));
            Assert.Contains($"""data-issuing-status="{Progress(id)}""", html);
            Assert.Contains("""<progress id="issue-progress" max="19" value="5" aria-labelledby="issue-progress-text">""", html);
            Assert.Contains("""<script src="/js/issuing.js" defer></script>""", html);
            Assert.Contains($"""<a href="{Page(id)}">Pagina vernieuwen</a>""", html);   // without JavaScript
            Assert.DoesNotContain("Cheques uitgeven</button>", html);

            var pressed = await page.PostFormAsync($"{Page(id)}?lang=nl", Issue(id));   // a form still open in another tab
            Assert.Equal($"{Page(id)}?ok=busy", pressed.Headers.Location?.OriginalString);
            Assert.Contains("Het uitgeven was al bezig.", await page.GetHtmlAsync($"{Page(id)}?ok=busy"));
            Assert.Equal((5, 5, 5), await w.ChequesAsync(id));
        }

        Assert.False((await ProgressAsync(page, id)).GetProperty("running").GetBoolean());
        var english = await page.GetHtmlAsync($"{Page(id)}?lang=en");
        Assert.Contains("5 of 19 cheques created", english);
        Assert.Contains("14 addresses have no cheque yet.", english);
    }

    [Fact]
    public async Task runs_started_at_the_same_time_give_every_household_exactly_one_cheque()
    {
        var id = await w.ProgramWithoutChequesAsync();
        var admin = new MessageContext("system:test");

        // Two presses at once (while a run is busy the other finds it so; a press after it ended starts a run that
        // finds nothing left) and two batches that skip the lock altogether, which may lose on a collision with the
        // stream another writer just started: that collision is what stops a second cheque. Then the API, which
        // waits for a busy run and issues what is left.
        var unlocked = Enumerable.Range(0, 2).Select(_ => Task.Run(() => CollidingIsFineAsync(w.IssueFirstAsync(id, 100)))).ToList();
        var started = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => w.Runs.TryStartAsync(id, admin, default))));
        await Task.WhenAll(unlocked);
        await w.Runs.LatestRunOf(id).WaitAsync(TimeSpan.FromSeconds(30));
        await w.PostJsonAsync($"/api/v1/programs/{id}/cheques/issue", w.Admin);

        Assert.Contains(true, started);
        Assert.Null(w.Runs.FailureOf(id));
        Assert.Equal((19, 19, 19), await w.ChequesAsync(id));
        Assert.Equal(19, await w.StreamsOfProgramAsync(id));
    }

    private static async Task CollidingIsFineAsync(Task batch)
    {
        try
        {
            await batch;
        }
        catch (ConcurrencyException)
        {
        }
    }

    [Fact]
    public async Task the_api_still_issues_everything_before_it_answers_whatever_the_batch_size()
    {
        var id = await w.ProgramWithoutChequesAsync();

        var first = await w.PostJsonAsync($"/api/v1/programs/{id}/cheques/issue", w.Admin);
        var again = await w.PostJsonAsync($"/api/v1/programs/{id}/cheques/issue", w.Admin);

        Assert.Equal(19, first.GetProperty("issued").GetInt32());
        Assert.Equal(19 * 750, first.GetProperty("totalCents").GetInt64());
        Assert.Equal(0, again.GetProperty("issued").GetInt32());
        Assert.Equal(0, again.GetProperty("totalCents").GetInt64());
    }

    [Fact]
    public async Task a_closed_program_says_why_nothing_is_issued()
    {
        var id = await w.ProgramWithoutChequesAsync();
        var page = await AdminAsync();
        var form = await page.GetHtmlAsync(Page(id));   // the page as it was, before someone closed the program
        Assert.Contains("Cheques uitgeven</button>", form);
        await w.PostJsonAsync($"/api/v1/programs/{id}/close", w.Admin);

        var pressed = await page.PostFormAsync(Page(id), Issue(id));

        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        Assert.Contains("Deze regeling is gesloten; er worden geen cheques meer uitgegeven.",
            WebUtility.HtmlDecode(await pressed.Content.ReadAsStringAsync()));
        Assert.Equal((0, 0, 0), await w.ChequesAsync(id));
    }

    [Fact]
    public async Task a_batch_of_hundreds_is_written_to_the_read_model_in_one_copy_and_every_code_signs_in()
    {
        var id = await w.CreateProgramAsync();
        var csv = new System.Text.StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        for (var n = 1; n <= 250; n++) csv.Append($"2716 EA,{n},,,Lange Weide,{ApiWorld.Weiden}\n");
        await ApiWorld.OkJsonAsync(await w.ImportAsync(id, csv.ToString()));
        await w.PostJsonAsync($"/api/v1/programs/{id}/open", w.Admin);

        Assert.Equal(250, (await w.IssueFirstAsync(id, 1_000)).Issued);

        Assert.Equal((250, 250, 250), await w.ChequesAsync(id));
        foreach (var n in new[] { 1, 125, 250 })
        {
            var session = await w.PostJsonAsync("/api/v1/resident/sessions", null,
                new { code = ApiWorld.CodeOf(ApiWorld.ChequeIdFor(id, "2716 EA", n)) });
            var cheque = await w.GetJsonAsync("/api/v1/resident/cheque", session.GetProperty("token").GetString());
            Assert.Equal(750, cheque.GetProperty("availableCents").GetInt64());
        }
    }

    [Theory]
    [InlineData("verbinder@zoetermeer.example")]
    [InlineData("controller@zoetermeer.example")]
    public async Task only_the_municipality_may_issue_or_follow_the_progress(string email)
    {
        var id = await w.ProgramWithoutChequesAsync();
        var admin = await AdminAsync();
        var other = await PageClient.SignInAsync(w.App, email, "een lang demowachtwoord");
        var anonymous = PageClient.Anonymous(w.App);

        foreach (var client in new[] { other, anonymous })
        {
            var progress = await client.GetAsync(Progress(id));
            Assert.Equal(HttpStatusCode.Redirect, progress.StatusCode);
            Assert.StartsWith("/beheer/inloggen?", progress.Headers.Location?.OriginalString);
            // The admin's form, posted with this client's own cookies: no access before any antiforgery check.
            var pressed = await client.PostFormAsync("/beheer/inloggen", Issue(id));
            Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
            Assert.StartsWith("/beheer/inloggen?", pressed.Headers.Location?.OriginalString);
        }
        Assert.Equal(0, (await ProgressAsync(admin, id)).GetProperty("issued").GetInt32());
    }
}
