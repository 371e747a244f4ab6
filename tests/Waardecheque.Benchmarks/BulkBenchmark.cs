using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Waardecheque.Benchmarks;

/// <summary>
/// Issuing: 100,000 single-event streams in one Marten BulkInsertEventsAsync (both COPYs, hashing, the sequence draw)
/// against a plain binary COPY of 100,000 event-sized rows into an mt_events-shaped table, same durable cluster.
/// </summary>
public static class BulkBenchmark
{
    private const int Count = 100_000;

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        await using var store = await BenchStore.CreateAsync(cluster, "bench_bulk");

        await store.BulkStartStreamsAsync<Purse>(BenchStore.NewPurses(1_000), "bench");  // warm-up
        var purses = BenchStore.NewPurses(Count);
        var clock = Stopwatch.StartNew();
        await store.BulkStartStreamsAsync<Purse>(purses, "bench");
        var storeSeconds = clock.Elapsed.TotalSeconds;

        await BenchStore.ExecuteAsync(cluster, "drop table if exists baseline_events; drop sequence if exists baseline_seq; create sequence baseline_seq;");
        await BenchStore.ExecuteAsync(cluster, BenchStore.EventShapedTable);
        await CopyAsync(cluster, 1_000);  // warm-up
        clock.Restart();
        await CopyAsync(cluster, Count);
        var copySeconds = clock.Elapsed.TotalSeconds;

        Console.WriteLine($"bulk start : {Count} streams in {storeSeconds:F2} s = {Count / storeSeconds:F0} streams/s");
        Console.WriteLine($"plain COPY : {Count} rows in {copySeconds:F2} s = {Count / copySeconds:F0} rows/s");
        Console.WriteLine($"ratio      : {copySeconds / storeSeconds:F2}");
    }

    /// <summary>A plain binary COPY of <paramref name="rows"/> event rows (body <paramref name="body"/>, default
    /// <see cref="BenchStore.SampleBody"/>) into baseline_events, one transaction. Also the issue benchmark's baseline.</summary>
    internal static async Task CopyAsync(BenchCluster cluster, int rows, string? body = null, string type = "purse_opened")
    {
        body ??= BenchStore.SampleBody;
        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var hash = new byte[32];
        var now = DateTimeOffset.UtcNow;
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy baseline_events (id, stream_id, version, data, type, timestamp, user_name, hash) from stdin (format binary)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(body, NpgsqlDbType.Jsonb);
                await copy.WriteAsync(type, NpgsqlDbType.Text);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync("bench", NpgsqlDbType.Text);
                await copy.WriteAsync(hash, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync();
        }
        await tx.CommitAsync();
    }
}
