using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Waardecheque.Testing;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// A PostgreSQL cluster of one test's own (infra/pg.sh with its own directory), so the test can stop and start it
/// without touching the cluster every other test shares. Stopped and deleted on dispose.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _dir;
    private readonly int _port;

    private PrivateCluster(string dir, int port, string connectionString)
    {
        _dir = dir;
        _port = port;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PrivateCluster> StartAsync(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"wc-{purpose}-pg-{Guid.NewGuid():N}"[..40]);
        // Outside pg.sh's own range (55432-55532) and below the ephemeral ports: while this cluster is stopped, no
        // other test's cluster or outgoing connection takes its port, so it can come back on the same one.
        var port = FreePortBetween(20000, 30000);
        var output = await PgShAsync("start", "--fast", "--dir", dir, "--port", port.ToString());
        var connectionString = new NpgsqlConnectionStringBuilder(output.Trim()) { MaxPoolSize = 100 }.ConnectionString;
        return new PrivateCluster(dir, port, connectionString);
    }

    /// <summary>A fast shutdown: PostgreSQL ends every session and rolls back every open transaction, as in a restart.</summary>
    public Task StopAsync() => PgShAsync("stop", "--dir", _dir, "--keep");

    /// <summary>Starts the same cluster again on the same port, data intact.</summary>
    public Task StartAgainAsync() => PgShAsync("start", "--dir", _dir, "--port", _port.ToString());

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PgShAsync("stop", "--dir", _dir);
    }

    private static async Task<string> PgShAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("bash", ["infra/pg.sh", .. args])
        {
            WorkingDirectory = RepoRoot.Find(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"infra/pg.sh {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    private static int FreePortBetween(int from, int to)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(from, to);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken; try another
            }
        }
        throw new InvalidOperationException($"No free port between {from} and {to}.");
    }
}
