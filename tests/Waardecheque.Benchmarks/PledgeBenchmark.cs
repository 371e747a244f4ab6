using System.Diagnostics;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Benchmarks;

/// <summary>
/// pledges/s (QUALITY.md: >= 0.20 of pgbench; 0.35 until 7 December 2026): 8,000 households in one buurt (so every household is every idea's
/// neighbour), cheques issued and activated, 1,000 open ideas whose targets (EUR 1,500, the rule book's maximum, i.e.
/// 1,500 pledges each) are far beyond what a run brings them (a few pledges each): funding is not part of the mix.
/// Then 8 clients, each with its own 1,000 cheques, pledge 100 cents to random ideas through Wolverine (IMessageBus.InvokeAsync): load
/// idea, cheque and program, the pure handler (P1..P8), CreditPledged + PledgeReceived on two streams, both inline
/// projections and the read-only re-check of the program, one transaction. 5 s warm-up, then the measured run; then
/// pgbench's one-row insert with 8 clients for the same time on the same durable cluster.
/// </summary>
public static class PledgeBenchmark
{
    private const int Households = 8_000;
    private const int Ideas = 1_000;
    private const int Clients = 8;
    private const long ChequeValue = 750;
    private const long Amount = 100;
    private const long Target = 150_000;

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        await using var app = await DomainApp.StartAsync(cluster, "bench_pledges");

        var setup = Stopwatch.StartNew();
        var buurten = DomainSetup.Buurten(1);
        var (programId, cheques) = await DomainSetup.IssuedProgramAsync(app, Households, buurten, ChequeValue);
        Console.WriteLine($"setup      : {Households} households imported, cheques issued in {setup.Elapsed.TotalSeconds:F1} s");
        var activate = Stopwatch.StartNew();
        await DomainSetup.ActivateAsync(app.Bus, cheques.Select(c => c.Id));
        Console.WriteLine($"setup      : {Households} ActivateCheque through the bus (8 at a time) in {activate.Elapsed.TotalSeconds:F1} s " +
                          $"= {Households / activate.Elapsed.TotalSeconds:F0}/s");
        var propose = Stopwatch.StartNew();
        var ideas = await DomainSetup.OpenIdeasAsync(app.Bus, cheques.Take(Ideas).ToList(), Target);
        Console.WriteLine($"setup      : {Ideas} ideas proposed and approved (2 commands each) in {propose.Elapsed.TotalSeconds:F1} s");
        await BenchStore.ExecuteAsync(cluster, "vacuum (analyze)");

        // Client k owns cheques k, k+8, ...: no two clients ever pledge from the same cheque.
        var owned = Enumerable.Range(0, Clients).Select(k => cheques.Where((_, i) => i % Clients == k).Select(c => c.Id).ToArray()).ToArray();
        var next = new int[Clients];
        // Warm-up: JIT (tiered compilation keeps recompiling hot methods for seconds on a busy machine), pool, plans.
        await RunClientsAsync(app, ideas, owned, next, TimeSpan.FromSeconds(5));
        var loadBefore = Load.Average();
        Console.WriteLine($"measuring  : {args.Seconds} s, load avg {loadBefore}");
        using var operations = new NpgsqlOperations();
        var (cpu0, ops0, retries0) = (CpuSample.Take(), operations.Count, app.Retries.Retries);
        var outcomes = await RunClientsAsync(app, ideas, owned, next, TimeSpan.FromSeconds(args.Seconds));
        var (runCpu, runOps, retries) = (CpuSample.Take() - cpu0, operations.Count - ops0, app.Retries.Retries - retries0);
        var ok = outcomes.Where(o => o.Ok).ToList();
        var pledgesPerSecond = ok.Count / (double)args.Seconds;

        var cpu1 = CpuSample.Take();
        var pgbench = await AppendBenchmark.PgbenchAsync(cluster, args.Seconds);
        var pgbenchCpu = CpuSample.Take() - cpu1;

        var pledged = await DomainSetup.ScalarAsync<decimal>(app.Store, "select coalesce(sum(pledged_cents), 0) from rm_ideas where program_id = $1", programId);
        var available = await DomainSetup.ScalarAsync<decimal>(app.Store, "select sum(available_cents) from rm_cheques where program_id = $1", programId);
        var funded = await DomainSetup.ScalarAsync<long>(app.Store, "select count(*) from rm_ideas where program_id = $1 and state = 'Funded'", programId);

        Console.WriteLine($"pledges    : {outcomes.Count} in {args.Seconds} s ({Outcome.Counts(outcomes)}) = {pledgesPerSecond:F0} pledges/s " +
                          $"({Clients} clients, {Ideas} ideas)");
        Console.WriteLine($"latency    : p50 {Outcome.Percentile(ok, 0.50):F1} ms, p99 {Outcome.Percentile(ok, 0.99):F1} ms, max {Outcome.Percentile(ok, 1):F1} ms");
        Console.WriteLine($"pgbench    : {pgbench:F0} tps ({Clients} clients, one-row insert into an mt_events-shaped table)");
        Console.WriteLine($"ratio      : {pledgesPerSecond / pgbench:F2} (budget >= 0.20)");
        Console.WriteLine($"check      : rm_ideas pledged {pledged} cents, cheques {Households * ChequeValue - available} cents down, " +
                          $"{funded} ideas funded (expected 0)");
        Console.WriteLine($"load avg   : {loadBefore} before the run, {Load.Average()} after pgbench");
        Console.WriteLine($"retries    : {retries} version clashes retried by the bus during the run");
        if (!args.Profile) return;

        var transactions = pgbench * args.Seconds;
        Console.WriteLine($"profile    : per pledge: {runOps / (double)outcomes.Count:F1} Npgsql operations, CPU {1000 * runCpu.Client / outcomes.Count:F2} ms client + " +
                          $"{1000 * runCpu.Server / outcomes.Count:F2} ms PostgreSQL (run: {runCpu.Client:F1} + {runCpu.Server:F1} CPU-s in {args.Seconds} s on {Environment.ProcessorCount} cores)");
        Console.WriteLine($"profile    : per pgbench transaction: CPU {1000 * pgbenchCpu.Children / transactions:F3} ms pgbench + " +
                          $"{1000 * pgbenchCpu.Server / transactions:F3} ms PostgreSQL (run: {pgbenchCpu.Children:F1} + {pgbenchCpu.Server:F1} CPU-s)");
        await ProfileOneClientAsync(app, ideas, owned[0], next[0]);
    }

    /// <summary>One client, one request at a time: a pledge, the three loads it starts with, and a bare round trip.</summary>
    private static async Task ProfileOneClientAsync(DomainApp app, List<Guid> ideas, Guid[] cheques, int from)
    {
        const int N = 300;
        var random = new Random(7);
        var pairs = Enumerable.Range(from, N).Select(i => (Idea: ideas[random.Next(ideas.Count)], Cheque: cheques[i % cheques.Length])).ToList();
        using var operations = new NpgsqlOperations();
        var cpu = CpuSample.Take();
        var clock = Stopwatch.StartNew();
        foreach (var (idea, cheque) in pairs) await app.Bus.InvokeAsync(new Pledge(idea, cheque, Amount), DomainSetup.Resident(cheque));
        var pledge = clock.Elapsed.TotalMilliseconds / N;
        var used = CpuSample.Take() - cpu;
        var ops = operations.Count / (double)N;

        clock.Restart();
        foreach (var (idea, cheque) in pairs)
        {
            await using var session = app.Store.LightweightSession();
            var loaded = await session.Events.FetchLatest<Idea>(idea);
            var c = await session.Events.FetchLatest<Domain.Cheques.Cheque>(cheque);
            await session.Events.FetchLatest<Domain.Programs.Program>(c!.ProgramId);
        }
        var loads = clock.Elapsed.TotalMilliseconds / N;

        clock.Restart();
        for (var i = 0; i < N; i++)
        {
            await using var cmd = app.Store.DataSource.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync();
        }
        var trip = clock.Elapsed.TotalMilliseconds / N;
        Console.WriteLine($"profile    : one client, one at a time: a pledge {pledge:F2} ms ({ops:F1} Npgsql operations, CPU {1000 * used.Client / N:F2} ms client + " +
                          $"{1000 * used.Server / N:F2} ms PostgreSQL); its three loads alone {loads:F2} ms; a bare round trip (select 1) {trip:F2} ms");
    }

    private static async Task<List<Outcome>> RunClientsAsync(DomainApp app, List<Guid> ideas, Guid[][] owned, int[] next, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(k => Task.Run(async () =>
        {
            var random = new Random(1000 + k + next[k]);
            var list = new List<Outcome>();
            while (!stop.IsCancellationRequested)
            {
                var cheque = owned[k][next[k]++ % owned[k].Length];
                var idea = ideas[random.Next(ideas.Count)];
                list.Add(await Outcome.OfAsync(() => app.Bus.InvokeAsync(new Pledge(idea, cheque, Amount), DomainSetup.Resident(cheque))));
            }
            return list;
        })));
        return [.. results.SelectMany(r => r)];
    }
}
