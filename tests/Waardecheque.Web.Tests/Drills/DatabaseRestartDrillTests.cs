using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Events;
using Waardecheque.Domain;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;
using Xunit.Abstractions;

namespace Waardecheque.Web.Tests.Drills;

/// <summary>
/// QUALITY.md, database restart: while PostgreSQL restarts, requests fail cleanly (503 problem+json with
/// Retry-After, never a 500, nothing half-written) and the app recovers by itself when it is back. The app runs on a
/// cluster of its own, which the drill stops (fast shutdown: every session ended, open transactions rolled back)
/// in the middle of pledges and page reads, then starts again, without touching the app.
/// </summary>
public sealed class DatabaseRestartDrillTests(ITestOutputHelper output) : ApiWorld
{
    private const long PledgeCents = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly ShiftedClock _clock = new();
    private PrivateCluster _cluster = null!;

    protected override Action<IServiceCollection>? Services => s => s.AddSingleton<TimeProvider>(_clock);

    protected override async Task<string> CreateDatabaseAsync()
    {
        _cluster = await PrivateCluster.StartAsync("restart");
        return _cluster.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        try { await base.DisposeAsync(); }
        finally { await _cluster.DisposeAsync(); }
    }

    private sealed record Planned(Guid ChequeId, string Token, Guid IdeaId, string Key);

    [Fact]
    public async Task requests_fail_cleanly_while_postgres_restarts_and_the_app_recovers_by_itself()
    {
        // Every household of Tuinen signs in and will pledge to each of four ideas of its buurt.
        var programId = await OpenProgramAsync();
        var households = StandardStreets.Where(s => s.Buurt == Tuinen)
            .SelectMany(s => Enumerable.Range(s.From, s.To - s.From + 1).Select(n => (s.Street, Number: n))).ToList();
        var tokens = new Dictionary<Guid, string>();
        foreach (var (street, number) in households) tokens[ChequeOf(programId, street, number)] = await ResidentAsync(programId, street, number);
        var ideas = new List<Guid>();
        for (var i = 0; i < 4; i++) ideas.Add(await OpenIdeaAsync(tokens.Values.First(), Buurt(Tuinen), 150_000));
        var plan = tokens.SelectMany(t => ideas.Select(idea => new Planned(t.Key, t.Value, idea, $"drill-{t.Key:N}-{idea:N}"))).ToList();

        var pending = new ConcurrentQueue<Planned>(plan);
        var acknowledged = new ConcurrentDictionary<string, string>();
        var outcomes = new ConcurrentQueue<DrillOutcome>();
        var phase = "up";
        using var stop = new CancellationTokenSource();

        async Task TrafficAsync(int worker)
        {
            var residents = tokens.Values.ToArray();
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                // What a resident's phone does between pledges: reload the cheque.
                var seenAt = phase;
                outcomes.Enqueue(await DrillOutcome.ReadAsync(seenAt, "read", await GetAsync("/api/v1/resident/cheque", residents[random.Next(residents.Length)])));
                if (pending.TryDequeue(out var p))
                {
                    seenAt = phase;
                    var answer = await DrillOutcome.ReadAsync(seenAt, "pledge",
                        await PledgeAsync(p.IdeaId, p.Token, PledgeCents, idempotencyKey: p.Key));
                    outcomes.Enqueue(answer);
                    // Anything but a success is retried with the same key, as a client that honours Retry-After does.
                    if (answer.Status == HttpStatusCode.Created) acknowledged[p.Key] = answer.Body;
                    else pending.Enqueue(p);
                }
                await Task.Delay(20);
            }
        }

        var traffic = Enumerable.Range(0, 4).Select(w => Task.Run(() => TrafficAsync(w))).ToArray();
        try
        {
            await WaitUntilAsync(() => acknowledged.Count >= plan.Count / 4, "a quarter of the pledges before the outage");

            phase = "stopping";
            await _cluster.StopAsync();
            phase = "down";
            var downSince = Stopwatch.StartNew();
            await WaitUntilAsync(() => outcomes.Count(o => o.Phase == "down") >= 12 && downSince.Elapsed >= TimeSpan.FromSeconds(3),
                "requests answered while PostgreSQL is down");

            // While down: alive but not ready, and the hourly housekeeping (expired sessions, old failed attempts)
            // shrugs (logs) instead of dying.
            Assert.Equal(HttpStatusCode.OK, (await GetAsync("/health/live")).StatusCode);
            await (await GetAsync("/health/ready")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "not_ready");
            var housekeeping = App.Services.GetServices<IHostedService>().OfType<HousekeepingService>().Single();
            await housekeeping.RunAllAsync(CancellationToken.None);
            Assert.Contains(App.Log.Events, e => e.Level == LogEventLevel.Warning
                && e.Properties.TryGetValue("SourceContext", out var source) && (source as ScalarValue)?.Value as string == typeof(HousekeepingService).FullName);

            phase = "restarting";
            await _cluster.StartAgainAsync();
            phase = "back";
            await WaitUntilAsync(async () => (await GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready again");
            await WaitUntilAsync(() => outcomes.Any(o => o.Phase == "back" && o.Status == HttpStatusCode.OK), "a page read after the restart");

            // Wolverine's background work (durability agents, the schedule's polling) lived through the outage: it
            // logged its failures while PostgreSQL was away, its runtime is still the one started at the beginning,
            // and the schedule (Wolverine's scheduled envelopes) still delivers: an idea whose deadline passes now is
            // expired with no request. (The old outbox's move is a one-time start step now; it does not run here.)
            Assert.Contains(App.Log.Events, e => e.Level >= LogEventLevel.Warning
                && e.Properties.TryGetValue("SourceContext", out var source) && ((source as ScalarValue)?.Value as string ?? "").StartsWith("Wolverine", StringComparison.Ordinal));
            Assert.True(App.Services.GetRequiredService<WolverineStartup>().IsStarted, "Wolverine stopped during the outage");
            var shortLived = await OpenIdeaAsync(tokens.Values.First(), Buurt(Tuinen), 10_000, deadline: _clock.GetUtcNow().AddSeconds(4));
            await WaitUntilAsync(async () => (await GetJsonAsync($"/api/v1/ideas/{shortLived}")).GetProperty("state").GetString() == "expired",
                "the schedule expiring an idea after the outage");

            // A pledge cut off by the outage may have left its Idempotency-Key claimed without an answer; a retry is
            // told 409 until the claim is a minute old, then recovers it from the log. Jump that minute.
            _clock.Jump(IdempotentRequests.StaleAfter);
            await WaitUntilAsync(() => acknowledged.Count == plan.Count, "every pledge acknowledged after the restart");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(traffic);
        }

        // Every failure was a clean one: never a 500, every 503 a problem with Retry-After, and while PostgreSQL was
        // certainly down, nothing but those.
        var all = outcomes.ToList();
        foreach (var group in all.GroupBy(o => (o.Phase, o.What, o.Status)).OrderBy(g => g.Key.Phase))
            output.WriteLine($"{group.Key.Phase,-10} {group.Key.What,-6} {(int)group.Key.Status} x {group.Count()}");
        var unclean = all.Where(o => o.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)
                                     && !o.IsCleanUnavailable
                                     && !(o.What == "pledge" && o.Status == HttpStatusCode.Conflict && o.Code == "conflict")).ToList();
        Assert.True(unclean.Count == 0, "Unclean answers:\n" + string.Join("\n", unclean.Take(20)) + "\nErrors logged:\n" +
            string.Join("\n", App.Log.Events.Where(e => e.Level >= LogEventLevel.Error && e.Exception is not null)
                .Select(e => e.Exception!.ToString()).Distinct().Take(3)));
        var whileDown = all.Where(o => o.Phase == "down").ToList();
        Assert.All(whileDown, o => Assert.True(o.IsCleanUnavailable, o.ToString()));
        Assert.Contains(whileDown, o => o.What == "pledge");
        Assert.Contains(all, o => o.Phase == "back" && o.What == "pledge" && o.Status == HttpStatusCode.Created);
        Assert.False(App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);

        await AssertEveryPledgeExactlyOnceAsync(programId, tokens, ideas);

        // A retry of an acknowledged pledge gets the first answer and moves nothing.
        var first = plan[0];
        var replay = await PledgeAsync(first.IdeaId, first.Token, PledgeCents, idempotencyKey: first.Key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(acknowledged[first.Key], await replay.Content.ReadAsStringAsync());
        await AssertEveryPledgeExactlyOnceAsync(programId, tokens, ideas);
    }

    /// <summary>The log, the read models and the audit agree: each household pledged once to each idea, nothing more.</summary>
    private async Task AssertEveryPledgeExactlyOnceAsync(Guid programId, Dictionary<Guid, string> tokens, List<Guid> ideas)
    {
        foreach (var (chequeId, token) in tokens)
        {
            var cheque = await GetJsonAsync("/api/v1/resident/cheque", token);
            Assert.Equal(PledgeCents * ideas.Count, cheque.GetProperty("pledgedCents").GetInt64());
            Assert.Equal(750 - PledgeCents * ideas.Count, cheque.GetProperty("availableCents").GetInt64());
            var pledgedTo = cheque.GetProperty("pledges").EnumerateArray().Select(p => p.GetProperty("ideaId").GetGuid()).Order().ToList();
            Assert.Equal(ideas.Order().ToList(), pledgedTo);

            var stream = await GetJsonAsync($"/api/v1/streams/{chequeId}/events", Admin);
            var pledgedEvents = stream.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "credit_pledged")
                .Select(e => e.GetProperty("data").GetProperty("ideaId").GetGuid()).Order().ToList();
            Assert.Equal(ideas.Order().ToList(), pledgedEvents);
        }
        foreach (var ideaId in ideas)
        {
            var idea = await GetJsonAsync($"/api/v1/ideas/{ideaId}");
            Assert.Equal(PledgeCents * tokens.Count, idea.GetProperty("pledgedCents").GetInt64());
            Assert.Equal(tokens.Count, idea.GetProperty("households").GetInt32());
        }
        var audit = await GetJsonAsync($"/api/v1/programs/{programId}/audit", Auditor);
        Assert.True(audit.GetProperty("reconciles").GetBoolean(), audit.ToString());
        Assert.Equal(PledgeCents * tokens.Count * ideas.Count, audit.GetProperty("pledgedOpenCents").GetInt64());
        var verify = await GetJsonAsync("/api/v1/audit/verify", Auditor);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
    }

    private Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Waits generously (a loaded two-core machine), and on giving up shows the app's last warnings and errors.</summary>
    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waiting = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waiting.Elapsed > Patience)
                throw new Xunit.Sdk.XunitException($"Gave up after {Patience.TotalSeconds} s waiting for {what}. "
                    + "The app's last warnings and errors (not about requests):\n"
                    + string.Join("\n", App.Log.Lines.Select(l => l.Split('\n')[0])
                        .Where(l => (l.Contains(" WRN ") || l.Contains(" ERR ")) && !l.Contains(" HTTP ")).TakeLast(15)));
            await Task.Delay(100);
        }
    }
}
