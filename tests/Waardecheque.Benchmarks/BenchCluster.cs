using System.Diagnostics;
using Npgsql;
using Waardecheque.Testing;

namespace Waardecheque.Benchmarks;

/// <summary>
/// A private, durable PostgreSQL (fsync and synchronous_commit on, QUALITY.md) started through infra/pg.sh for one
/// benchmark run and removed afterwards.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    /// <summary>/tmp/wc-bench-pg, or WAARDECHEQUE_BENCH_PG_DIR so two checkouts can each have one. Runs still
    /// should not overlap: on two cores they disturb each other's figures (wrap them in
    /// <c>flock /tmp/wc-bench.lock …</c>).</summary>
    public static readonly string Directory =
        Environment.GetEnvironmentVariable("WAARDECHEQUE_BENCH_PG_DIR") is { Length: > 0 } dir ? dir : "/tmp/wc-bench-pg";

    private BenchCluster(string root, string connectionString)
    {
        Root = root;
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 50 }.ConnectionString;
    }

    public string Root { get; }
    public string ConnectionString { get; }
    public NpgsqlConnectionStringBuilder Parts => new(ConnectionString);

    public static async Task<BenchCluster> StartAsync()
    {
        var root = RepoRoot.Find();
        var output = await RunAsync(root, "bash", "infra/pg.sh", "start", "--durable", "--dir", Directory);
        var cluster = new BenchCluster(root, output.Trim());
        Console.WriteLine($"durable PostgreSQL in {Directory} (port {cluster.Parts.Port})");
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Root, "bash", "infra/pg.sh", "stop", "--dir", Directory);
    }

    /// <summary>Runs a program to completion; its standard output, or an exception with its error output.</summary>
    public static async Task<string> RunAsync(string workingDirectory, string file, params string[] args) =>
        await RunWithEnvAsync(workingDirectory, new Dictionary<string, string>(), file, args);

    public static async Task<string> RunWithEnvAsync(string workingDirectory, Dictionary<string, string> env, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
