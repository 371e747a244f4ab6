using Marten;
using Waardecheque.ReadModels;
using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Benchmarks;

/// <summary>
/// Rebuilding every projection from the log (QUALITY.md: >= 100,000 events/s). Its own data set: the issue
/// benchmark's (100,000 households in 10 buurten imported and issued), then 20,000 cheques activated (2,000 per
/// buurt; ChequeActivated appended in sessions of 500 streams, the event the handler writes, to keep the setup
/// short), 500 ideas proposed and approved through the bus (50 per buurt, target EUR 20), and 10,000 pledges of
/// 100 cents through the bus from distinct cheques, 20 per idea, so every idea funds. Then, after VACUUM ANALYZE:
/// a replay into a projection that does nothing (the store's own share: reading and deserialising), and
/// RebuildProjectionAsync for each inline projection in turn. Every read model is fingerprinted before and after:
/// a rebuild must give the same tables.
/// </summary>
public static class RebuildBenchmark
{
    private const int ActivatedPerBuurt = 2_000;
    private const int IdeasPerBuurt = 50;
    private const int PledgesPerIdea = 20;
    private const long Amount = 100;

    private static readonly (string Table, string Order)[] ReadModels =
    [
        ("rm_programs", "id"), ("rm_households", "id"), ("rm_cheques", "id"), ("rm_ideas", "id"),
        ("rm_pledges", "idea_id, household_id"), ("rm_expenses", "id"),
    ];

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        await using var app = await DomainApp.StartAsync(cluster, "bench_rebuild");

        var setup = Stopwatch.StartNew();
        var issued = await IssueBenchmark.IssueAsync(app);
        var cheques = await DomainSetup.ChequesAsync(app.Store, issued.ProgramId);
        var byBuurt = cheques.GroupBy(c => c.Buurt).Select(g => g.Take(ActivatedPerBuurt).ToList()).ToList();
        var now = DateTimeOffset.UtcNow;
        foreach (var batch in byBuurt.SelectMany(b => b).Chunk(500))
        {
            await using var session = app.Store.LightweightSession();
            session.LastModifiedBy = "bench";
            foreach (var c in batch) session.Events.Append(c.Id, new ChequeActivated(c.Id, now));
            await session.SaveChangesAsync();
        }
        Console.WriteLine($"setup      : {cheques.Count} households imported and issued, {byBuurt.Sum(b => b.Count)} activated in {setup.Elapsed.TotalSeconds:F1} s");

        setup.Restart();
        // Initiators are the last IdeasPerBuurt activated cheques of each buurt; pledgers the first ones.
        var initiators = byBuurt.SelectMany(b => b.Skip(ActivatedPerBuurt - IdeasPerBuurt)).ToList();
        var ideas = await DomainSetup.OpenIdeasAsync(app.Bus, initiators, PledgesPerIdea * Amount);
        var work = new List<(Guid Idea, Guid Cheque)>();
        for (var b = 0; b < byBuurt.Count; b++)
            for (var j = 0; j < IdeasPerBuurt * PledgesPerIdea; j++)
                work.Add((ideas[b * IdeasPerBuurt + j % IdeasPerBuurt], byBuurt[b][j].Id));
        var queue = new ConcurrentQueue<(Guid Idea, Guid Cheque)>(work.OrderBy(_ => Random.Shared.Next()));
        var outcomes = new ConcurrentBag<Outcome>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var w))
                outcomes.Add(await Outcome.OfAsync(() => app.Bus.InvokeAsync(new Pledge(w.Idea, w.Cheque, Amount), DomainSetup.Resident(w.Cheque))));
        })));
        Console.WriteLine($"setup      : {ideas.Count} ideas opened, {work.Count} pledges through the bus ({Outcome.Counts(outcomes)}) in {setup.Elapsed.TotalSeconds:F1} s");

        await BenchStore.ExecuteAsync(cluster, "vacuum (analyze)");
        var events = await DomainSetup.ScalarAsync<long>(app.Store, "select count(*) from mt_events");
        Console.WriteLine($"log        : {events} events: {await MixAsync(app)}");
        var before = await FingerprintAsync(app);

        var load = Load.Average();
        var clock = Stopwatch.StartNew();
        var replayed = await ReadAsync(app);
        var replaySeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"replay     : {replayed} events read through Marten in {replaySeconds:F2} s = {replayed / replaySeconds:F0} events/s (the store's share)");

        var total = 0.0;
        foreach (var model in app.Store.ReadModels)
        {
            clock.Restart();
            await ReadModelRebuild.RebuildAsync(app.Store, [model.Name]);
            var seconds = clock.Elapsed.TotalSeconds;
            total += seconds;
            Console.WriteLine($"rebuild    : {model.Name,-10} {events} events in {seconds:F2} s = {events / seconds:F0} events/s");
        }
        var after = await FingerprintAsync(app);
        var same = ReadModels.All(m => before[m.Table] == after[m.Table]);
        Console.WriteLine($"apart      : {app.Store.ReadModels.Count} inline read models rebuilt one after the other in {total:F2} s " +
                          $"= {events / total:F0} events/s of log");
        Console.WriteLine($"check      : read models after the rebuild {(same ? "identical to before" : "DIFFER: " + string.Join(", ", ReadModels.Where(m => before[m.Table] != after[m.Table]).Select(m => m.Table)))}");

        // The figure: every read model in one call, one transaction and one read of the log.
        clock.Restart();
        await ReadModelRebuild.RebuildAsync(app.Store);
        var together = clock.Elapsed.TotalSeconds;
        var afterTogether = await FingerprintAsync(app);
        Console.WriteLine($"all        : {app.Store.ReadModels.Count} inline read models rebuilt together (ReadModelRebuild, one pass) " +
                          $"in {together:F2} s = {events / together:F0} events/s of log (budget >= 100,000); read models " +
                          $"{(ReadModels.All(m => before[m.Table] == afterTogether[m.Table]) ? "identical to before" : "DIFFER")}");
        Console.WriteLine($"load avg   : {load} before the rebuilds, {Load.Average()} at the end");
    }

    /// <summary>The whole log read and deserialised through Marten, in the rebuild's pages, applied to nothing.</summary>
    private static async Task<long> ReadAsync(DomainApp app)
    {
        long after = 0, read = 0;
        await using var session = app.Store.Marten.QuerySession();
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence)
                .Take(ReadModelRebuild.PageSize).ToListAsync();
            if (page.Count == 0) return read;
            read += page.Count;
            after = page[^1].Sequence;
        }
    }

    private static async Task<string> MixAsync(DomainApp app)
    {
        await using var cmd = app.Store.DataSource.CreateCommand("select type, count(*) from mt_events group by type order by count(*) desc");
        var parts = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) parts.Add($"{reader.GetString(0)} {reader.GetInt64(1)}");
        return string.Join(", ", parts);
    }

    private static async Task<Dictionary<string, string>> FingerprintAsync(DomainApp app)
    {
        var prints = new Dictionary<string, string>();
        foreach (var (table, order) in ReadModels)
            prints[table] = await DomainSetup.ScalarAsync<string>(app.Store,
                $"select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by {order})), '') from {table} t");
        return prints;
    }
}
