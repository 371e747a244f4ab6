using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Waardecheque.Benchmarks;

/// <summary>
/// appends/s: 8 writers, each a session per append (FetchForWriting-free: Append with the expected version it
/// tracks), each on its own streams, against pgbench's one-row-insert transactions/s with 8 clients on the same
/// durable cluster. The ratio is the store's overhead over the cheapest possible durable write.
/// </summary>
public static partial class AppendBenchmark
{
    private const int Writers = 8;
    private const int StreamsPerWriter = 200;

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        await using var store = await BenchStore.CreateAsync(cluster, "bench_appends");

        var purses = BenchStore.NewPurses(Writers * StreamsPerWriter);
        await store.BulkStartStreamsAsync<Purse>(purses, "bench");
        var streams = purses.Select(p => p.Item1).Chunk(StreamsPerWriter).ToArray();

        await RunWritersAsync(store, streams, TimeSpan.FromSeconds(2));  // warm-up: JIT, pool, plans
        var appends = await RunWritersAsync(store, streams, TimeSpan.FromSeconds(args.Seconds));
        var appendsPerSecond = appends / (double)args.Seconds;

        var pgbench = await PgbenchAsync(cluster, args.Seconds);
        var npgsql = await NpgsqlInsertsAsync(cluster, args.Seconds) / (double)args.Seconds;

        Console.WriteLine($"store appends   : {appends} in {args.Seconds} s = {appendsPerSecond:F0} appends/s ({Writers} writers)");
        Console.WriteLine($"pgbench inserts : {pgbench:F0} tps ({Writers} clients, one-row insert into an mt_events-shaped table)");
        Console.WriteLine($"ratio           : {appendsPerSecond / pgbench:F2}");
        // Not a budget: the same insert sent from .NET, to tell the store's cost from the client stack's on 2 cores.
        Console.WriteLine($"npgsql inserts  : {npgsql:F0} tps (the pgbench insert from {Writers} Npgsql writers; store/npgsql = {appendsPerSecond / npgsql:F2})");
    }

    /// <summary>pgbench's statement from this process: one prepared autocommit insert per round trip.</summary>
    private static async Task<long> NpgsqlInsertsAsync(BenchCluster cluster, int seconds)
    {
        var source = new Npgsql.NpgsqlDataSourceBuilder(cluster.ConnectionString) { ConnectionStringBuilder = { MaxAutoPrepare = 10 } }.Build();
        await using var _ = source;
        var sql = "insert into baseline_events (id, stream_id, version, data, type, timestamp, user_name, hash) values " +
                  $"(gen_random_uuid(), gen_random_uuid(), 1, '{BenchStore.SampleBody}', 'purse_charged', now(), 'bench', sha256('x'::bytea))";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var counts = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            long done = 0;
            await using var conn = await source.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
                await cmd.ExecuteNonQueryAsync();
                done++;
            }
            return done;
        })));
        return counts.Sum();
    }

    private static async Task<long> RunWritersAsync(BenchEventStore store, Guid[][] streams, TimeSpan duration)
    {
        var versions = streams.Select(s => new long[s.Length]).ToArray();
        using var stop = new CancellationTokenSource(duration);
        var counts = await Task.WhenAll(streams.Select((ids, w) => Task.Run(async () =>
        {
            long done = 0;
            var v = versions[w];
            for (var i = 0; !stop.IsCancellationRequested; i = (i + 1) % ids.Length)
            {
                if (v[i] == 0) v[i] = await CurrentVersionAsync(store, ids[i]);
                await using var session = store.LightweightSession();
                session.LastModifiedBy = "bench";
                // Marten's expected version is the stream's version AFTER this append (our old store took the one before).
                session.Events.Append(ids[i], v[i] + 1, new PurseCharged(ids[i], Guid.NewGuid(), 1));
                await session.SaveChangesAsync();
                v[i]++;
                done++;
            }
            return done;
        })));
        return counts.Sum();
    }

    private static async Task<long> CurrentVersionAsync(BenchEventStore store, Guid id)
    {
        await using var cmd = store.DataSource.CreateCommand("select version from mt_streams where id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// pgbench, 8 clients, a custom script of one single-row insert into a table shaped like mt_events. The domain
    /// benchmarks (pledges) use the same baseline.
    /// </summary>
    internal static async Task<double> PgbenchAsync(BenchCluster cluster, int seconds)
    {
        await BenchStore.ExecuteAsync(cluster, "drop table if exists baseline_events; drop sequence if exists baseline_seq; create sequence baseline_seq;");
        await BenchStore.ExecuteAsync(cluster, BenchStore.EventShapedTable);
        var script = Path.Combine(Path.GetTempPath(), $"wc-pgbench-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script,
            "insert into baseline_events (id, stream_id, version, data, type, timestamp, user_name, hash) values " +
            $"(gen_random_uuid(), gen_random_uuid(), 1, '{BenchStore.SampleBody}', 'purse_charged', now(), 'bench', sha256('x'::bytea));\n");
        try
        {
            var parts = cluster.Parts;
            var output = await BenchCluster.RunWithEnvAsync(cluster.Root, new() { ["PGPASSWORD"] = parts.Password! },
                "/usr/lib/postgresql/15/bin/pgbench", "-n", "-c", Writers.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", script,
                "-h", parts.Host!, "-p", parts.Port.ToString(CultureInfo.InvariantCulture), "-U", parts.Username!, parts.Database!);
            var tps = TpsLine().Match(output);
            if (!tps.Success) throw new InvalidOperationException("pgbench printed no tps line:\n" + output);
            return double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();
}
