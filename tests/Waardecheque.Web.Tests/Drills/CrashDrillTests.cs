using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Waardecheque.Testing;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;
using Xunit.Abstractions;

namespace Waardecheque.Web.Tests.Drills;

/// <summary>
/// QUALITY.md, crash: killing the app (<c>kill -9</c>) in the middle of a load of pledges loses no acknowledged
/// request and leaves no half transaction; after a restart the reconciliation holds and the workers catch up.
/// The app runs as a real process (the Release build, Production environment); eight clients pledge with
/// Idempotency-Keys, the drill kills the process once enough pledges are acknowledged, starts a new one on the same
/// database, and retries every pledge that was not acknowledged with its own key, as a phone would.
/// </summary>
public sealed class CrashDrillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Households = 40, IdeaCount = 5, Clients = 8, KillAfterAcknowledged = 60;
    private const long PledgeCents = 100;
    private const string Postcode = "2716 BA", Street = "Rozentuin";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly List<AppProcess> _apps = [];
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        _settings = TestApp.Settings(await TestDatabase.CreateDatabaseAsync(nameof(CrashDrillTests)));
        _settings[WebConfig.CodeKey] = ApiWorld.CodeKey;
    }

    public Task DisposeAsync()
    {
        foreach (var app in _apps) app.Dispose();
        return Task.CompletedTask;
    }

    private sealed record Planned(Guid ChequeId, string Token, Guid IdeaId, string Key);

    [Fact]
    public async Task killing_the_app_mid_load_loses_no_acknowledged_pledge_and_leaves_no_half_transaction()
    {
        var first = await StartAppAsync();
        using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var admin = await http.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var (programId, tokens) = await SetUpProgramAsync(http, admin);
        var ideas = new List<Guid>();
        for (var i = 0; i < IdeaCount; i++) ideas.Add(await OpenIdeaAsync(http, admin, tokens.Values.First(), DateTimeOffset.UtcNow.AddDays(30)));
        // Its deadline passes while the drill runs: expiring it is the schedule's job (Wolverine's scheduled envelope), in whichever process lives then.
        var expiresSoon = await OpenIdeaAsync(http, admin, tokens.Values.First(), DateTimeOffset.UtcNow.AddSeconds(30));

        // The load: eight clients pledge; the app is killed once enough pledges are acknowledged, with more in flight.
        var queue = new ConcurrentQueue<Planned>(tokens.SelectMany(t => ideas.Select(idea => new Planned(t.Key, t.Value, idea, $"crash-{t.Key:N}-{idea:N}"))));
        var acknowledged = new ConcurrentDictionary<Planned, string>();
        var notAcknowledged = new ConcurrentBag<Planned>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = false;

        async Task ClientAsync()
        {
            while (!Volatile.Read(ref killed) && queue.TryDequeue(out var pledge))
            {
                try
                {
                    var response = await PledgeAsync(http, pledge);
                    if (response.StatusCode == HttpStatusCode.Created) acknowledged[pledge] = await response.Content.ReadAsStringAsync();
                    else notAcknowledged.Add(pledge);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    notAcknowledged.Add(pledge);  // the connection died with the process: no answer, so not acknowledged
                }
                if (acknowledged.Count >= KillAfterAcknowledged) enough.TrySetResult();
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(ClientAsync)).ToArray();
        await enough.Task.WaitAsync(Patience);
        first.KillHard();
        Volatile.Write(ref killed, true);
        await Task.WhenAll(clients);
        output.WriteLine($"killed pid {first.ProcessId}: {acknowledged.Count} acknowledged, {notAcknowledged.Count} not acknowledged, {queue.Count} never sent");
        Assert.True(first.HasExited);

        // A new process on the same database; the residents' sessions live in the database, so their tokens still work.
        var second = await StartAppAsync();
        using var again = new HttpClient { BaseAddress = second.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        admin = await again.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        // Nothing acknowledged was lost and nothing is half there, before any retry.
        var logged = await AssertPledgesAsync(again, admin, programId, tokens, ideas, certain: acknowledged.Keys.ToList(), possible: notAcknowledged);
        output.WriteLine($"{logged.Count - acknowledged.Count} pledges committed whose answer died with the process");

        // Every pledge left without an answer, retried with its own key, ends as one pledge: the first answer rebuilt
        // from the log if it had committed, carried out now if it had not. A key whose claim the dead process left
        // unanswered is "still running" (409 with Retry-After) until the claim is IdempotentRequests.StaleAfter old.
        var retried = await Task.WhenAll(notAcknowledged.Select(p => RetryUntilAnsweredAsync(again, p)));
        Assert.All(retried, r => Assert.True(r.Status == HttpStatusCode.Created, $"retry of {r.Pledge.Key}: {(int)r.Status} {r.Body}"));
        output.WriteLine($"retried {retried.Length} un-acknowledged pledges: {retried.Sum(r => r.Attempts)} attempts, longest {retried.Select(r => r.Waited).DefaultIfEmpty().Max().TotalSeconds:0.0} s");

        // A retry of an acknowledged pledge gets its first answer, word for word, and moves nothing.
        var (someAcknowledged, firstAnswer) = acknowledged.First();
        var replay = await PledgeAsync(again, someAcknowledged);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstAnswer, await replay.Content.ReadAsStringAsync());

        // After the retries: every pledge sent is there exactly once.
        await AssertPledgesAsync(again, admin, programId, tokens, ideas, certain: [.. acknowledged.Keys, .. notAcknowledged]);

        // The workers caught up: the schedule (in the new process) expires the idea whose deadline passed.
        var waiting = Stopwatch.StartNew();
        while ((await ApiWorld.OkJsonAsync(await again.GetAsync($"/api/v1/ideas/{expiresSoon}"))).GetProperty("state").GetString() != "expired")
        {
            Assert.True(waiting.Elapsed < Patience, "The idea past its deadline was not expired by the restarted app's schedule.");
            await Task.Delay(250);
        }
    }

    private async Task<AppProcess> StartAppAsync()
    {
        var app = await AppProcess.StartAsync(_settings);
        _apps.Add(app);
        return app;
    }

    /// <summary>One buurt, one street of <see cref="Households"/> households, opened, issued, every household signed in.</summary>
    private static async Task<(Guid ProgramId, Dictionary<Guid, string> Tokens)> SetUpProgramAsync(HttpClient http, string admin)
    {
        var programId = (await ApiWorld.OkJsonAsync(await http.PostAsJsonAsync("/api/v1/programs", ApiWorld.ProgramBody(), admin), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        for (var n = 1; n <= Households; n++) csv.Append($"{Postcode},{n},,,{Street},{ApiWorld.Tuinen}\n");
        var import = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programs/{programId}/households")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } },
        }.WithBearer(admin);
        await ApiWorld.OkJsonAsync(await http.SendAsync(import));
        await ApiWorld.OkJsonAsync(await http.PostAsJsonAsync($"/api/v1/programs/{programId}/open", new { }, admin));
        await ApiWorld.OkJsonAsync(await http.PostAsJsonAsync($"/api/v1/programs/{programId}/cheques/issue", new { }, admin));

        var tokens = new Dictionary<Guid, string>();
        for (var n = 1; n <= Households; n++)
        {
            var chequeId = ApiWorld.ChequeIdFor(programId, Postcode, n);
            var session = await ApiWorld.OkJsonAsync(await http.PostAsJsonAsync("/api/v1/resident/sessions", new { code = ApiWorld.CodeOf(chequeId) }));
            tokens[chequeId] = session.GetProperty("token").GetString()!;
        }
        return (programId, tokens);
    }

    private static async Task<Guid> OpenIdeaAsync(HttpClient http, string admin, string resident, DateTimeOffset deadline)
    {
        var proposed = await ApiWorld.OkJsonAsync(await http.PostAsJsonAsync("/api/v1/ideas", new
        {
            title = "Een idee voor de buurt", description = "Voor de buurt.", scope = ApiWorld.Buurt(ApiWorld.Tuinen),
            targetCents = 150_000, deadline,
        }, resident), HttpStatusCode.Created);
        var id = proposed.GetProperty("id").GetGuid();
        await ApiWorld.OkJsonAsync(await http.PostAsJsonAsync($"/api/v1/ideas/{id}/approve", new { }, admin));
        return id;
    }

    private static Task<HttpResponseMessage> PledgeAsync(HttpClient http, Planned pledge)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ideas/{pledge.IdeaId}/pledges")
        {
            Content = JsonContent.Create(new { amountCents = PledgeCents }),
        }.WithBearer(pledge.Token);
        request.Headers.Add(IdempotentRequests.Header, pledge.Key);
        return http.SendAsync(request);
    }

    private sealed record Retried(Planned Pledge, HttpStatusCode Status, string Body, int Attempts, TimeSpan Waited);

    /// <summary>Retries as a client honouring Retry-After does, until an answer that is not "try again".</summary>
    private static async Task<Retried> RetryUntilAnsweredAsync(HttpClient http, Planned pledge)
    {
        var waiting = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var response = await PledgeAsync(http, pledge);
            var body = await response.Content.ReadAsStringAsync();
            var tryAgain = response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable
                           && response.Headers.RetryAfter?.Delta is not null;
            if (!tryAgain || waiting.Elapsed > IdempotentRequests.StaleAfter + Patience)
                return new Retried(pledge, response.StatusCode, body, attempt, waiting.Elapsed);
            await Task.Delay(response.Headers.RetryAfter!.Delta!.Value);
        }
    }

    /// <summary>
    /// The log holds every pledge of <paramref name="certain"/> once, and otherwise only pledges of
    /// <paramref name="possible"/> (sent, but the answer died with the process), each once. Every pledge is whole:
    /// in the cheque's stream and in the idea's, never one half. The read models and the audit agree with the log.
    /// </summary>
    /// <returns>The pledges in the log, as (cheque, idea).</returns>
    private static async Task<List<(Guid ChequeId, Guid IdeaId)>> AssertPledgesAsync(HttpClient http, string admin, Guid programId, Dictionary<Guid, string> tokens,
        List<Guid> ideas, IReadOnlyCollection<Planned> certain, IReadOnlyCollection<Planned>? possible = null)
    {
        var allowed = certain.Concat(possible ?? []).Select(p => (p.ChequeId, p.IdeaId)).ToHashSet();
        var fromCheques = new List<(Guid ChequeId, Guid IdeaId)>();
        foreach (var (chequeId, token) in tokens)
        {
            var logged = await EventIdsAsync(http, admin, chequeId, "credit_pledged", "ideaId");
            fromCheques.AddRange(logged.Select(ideaId => (chequeId, ideaId)));
            var cheque = await ApiWorld.OkJsonAsync(await http.GetAsync("/api/v1/resident/cheque", token));
            Assert.Equal(PledgeCents * logged.Count, cheque.GetProperty("pledgedCents").GetInt64());
            Assert.Equal(logged, cheque.GetProperty("pledges").EnumerateArray().Select(p => p.GetProperty("ideaId").GetGuid()).Order().ToList());
        }
        Assert.Equal(fromCheques.Distinct().Count(), fromCheques.Count);
        Assert.Empty(certain.Select(p => (p.ChequeId, p.IdeaId)).Except(fromCheques));
        Assert.DoesNotContain(fromCheques, p => !allowed.Contains(p));

        var fromIdeas = new List<(Guid ChequeId, Guid IdeaId)>();
        foreach (var ideaId in ideas)
        {
            var logged = await EventIdsAsync(http, admin, ideaId, "pledge_received", "chequeId");
            fromIdeas.AddRange(logged.Select(chequeId => (chequeId, ideaId)));
            var idea = await ApiWorld.OkJsonAsync(await http.GetAsync($"/api/v1/ideas/{ideaId}"));
            Assert.Equal(PledgeCents * logged.Count, idea.GetProperty("pledgedCents").GetInt64());
            Assert.Equal(logged.Count, idea.GetProperty("households").GetInt32());
        }
        Assert.Equal(fromCheques.Order().ToList(), fromIdeas.Order().ToList());

        var audit = await ApiWorld.OkJsonAsync(await http.GetAsync($"/api/v1/programs/{programId}/audit", admin));
        Assert.True(audit.GetProperty("reconciles").GetBoolean(), audit.ToString());
        Assert.Equal(PledgeCents * fromCheques.Count, audit.GetProperty("pledgedOpenCents").GetInt64());
        var verify = await ApiWorld.OkJsonAsync(await http.GetAsync("/api/v1/audit/verify", admin));
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        return fromCheques;
    }

    private static async Task<List<Guid>> EventIdsAsync(HttpClient http, string admin, Guid streamId, string type, string property)
    {
        var stream = await ApiWorld.OkJsonAsync(await http.GetAsync($"/api/v1/streams/{streamId}/events", admin));
        return stream.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == type)
            .Select(e => e.GetProperty("data").GetProperty(property).GetGuid()).Order().ToList();
    }
}
