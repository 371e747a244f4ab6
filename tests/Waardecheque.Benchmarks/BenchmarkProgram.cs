namespace Waardecheque.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project tests/Waardecheque.Benchmarks -- NAME [--seconds N] [--profile]` runs one benchmark.
/// Every figure is printed next to a baseline measured in the same run on the same PostgreSQL (QUALITY.md).
/// Add a benchmark by adding a line to <see cref="Commands"/>.
/// </summary>
public static class BenchmarkProgram
{
    private static readonly Dictionary<string, (string Help, Func<BenchArgs, Task> Run)> Commands = new()
    {
        ["appends"] = ("appends/s of 8 sessions appending to their own streams vs pgbench one-row inserts", AppendBenchmark.RunAsync),
        ["bulk"] = ("100,000 new streams in one BulkStartStreamsAsync vs a plain binary COPY of 100,000 event rows", BulkBenchmark.RunAsync),
        ["verify"] = ("VerifyAsync and a projection replay over 1,000,000 events", VerifyBenchmark.RunAsync),
        ["pledges"] = ("pledges/s of 8 clients over 1,000 ideas through Wolverine vs pgbench one-row inserts", PledgeBenchmark.RunAsync),
        ["pledge-cost"] = ("what one pledge costs the database: statements, round trips, rows, index entries, WAL and CPU per pledge (load-independent)", PledgeCostBenchmark.RunAsync),
        ["hot-idea"] = ("200 households pledge to one idea at once: outcomes, lost, p99, totals", HotIdeaBenchmark.RunAsync),
        ["issue"] = ("import 100,000 households, then issue their cheques vs a plain binary COPY of 100,000 rows", IssueBenchmark.RunAsync),
        ["cheque-page"] = ("wrk, 16 connections: the resident's /mijn-cheque (cookie from a QR scan) vs /health/live of the same app", ChequePageBenchmark.RunAsync),
        ["cold-start"] = ("process start to the first 201 pledge, pre-generated handler code (Static) vs run-time (Dynamic), 3 runs each", ColdStartBenchmark.RunAsync),
        ["audit"] = ("GET audit of a 100,000-household program (~300,000 events), 4 readers: p50/p99 vs the fold of the whole log; daemon catch-up and rebuild events/s", AuditBenchmark.RunAsync),
        ["rebuild"] = ("rebuild every inline projection from a 141,613-event log (issue data set + activations and pledges)", RebuildBenchmark.RunAsync),
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Waardecheque.Benchmarks -- NAME [--seconds N] [--profile]");
            foreach (var (name, (help, _)) in Commands) Console.Error.WriteLine($"  {name,-10} {help}");
            return 2;
        }
        await command.Run(BenchArgs.Parse(args[1..]));
        return 0;
    }
}

/// <param name="Profile">--profile: the domain benchmarks also print where the time goes (extra measurements after the run).</param>
public sealed record BenchArgs(int Seconds, bool Profile = false)
{
    public static BenchArgs Parse(string[] args)
    {
        var seconds = 10;
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--seconds") seconds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
        return new BenchArgs(seconds, args.Contains("--profile"));
    }
}
