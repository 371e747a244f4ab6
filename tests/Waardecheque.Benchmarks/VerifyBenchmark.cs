using System.Diagnostics;
using Npgsql;

namespace Waardecheque.Benchmarks;

/// <summary>
/// 1,000,000 events (issued in bulk), then the full integrity check (budget: under 20 s, QUALITY.md) and a rebuild
/// of a projection that does nothing, which is the store's own share of any rebuild: reading and deserialising.
/// </summary>
public static class VerifyBenchmark
{
    private const int Events = 1_000_000;
    private const int PerCall = 100_000;

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        await using var store = await BenchStore.CreateAsync(cluster, "bench_verify");

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Events / PerCall; i++) await store.BulkStartStreamsAsync<Purse>(BenchStore.NewPurses(PerCall), "bench");
        Console.WriteLine($"setup      : {Events} events issued in {clock.Elapsed.TotalSeconds:F1} s");
        // A table a million rows ago empty would otherwise be vacuumed and analysed by autovacuum during the
        // measurements below; in production both run on a settled table.
        clock.Restart();
        await BenchStore.ExecuteAsync(cluster, "vacuum (analyze) bench_verify.mt_events, bench_verify.mt_streams");
        Console.WriteLine($"vacuum     : {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        var report = await store.VerifyAsync();
        var verifySeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"verify     : {report.Events} events, {report.Streams} streams, valid={report.Valid} in {verifySeconds:F1} s " +
                          $"= {report.Events / verifySeconds:F0} events/s (budget: 1,000,000 in < 20 s)");
        Console.WriteLine($"checkpoint : seq {report.Checkpoint.Seq} hash {report.Checkpoint.Hash}");

        clock.Restart();
        var replayed = await store.ReplayAsync();
        var rebuildSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"replay     : {replayed} events read through Marten in {rebuildSeconds:F1} s = {replayed / rebuildSeconds:F0} events/s");
    }
}
