using System.Diagnostics;
using Npgsql;

namespace Waardecheque.Testing;

/// <summary>
/// The real PostgreSQL the tests run against. infra/test.sh starts a throwaway cluster and passes its connection
/// string in WAARDECHEQUE_TEST_DB; a plain `dotnet test` without it starts one through infra/pg.sh itself.
/// Every caller gets a database of its own, so test classes never share state or depend on order.
/// </summary>
public static class TestDatabase
{
    private static readonly Lazy<string> Server = new(FindOrStartServer, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ServerConnectionString => Server.Value;

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"t_{Sanitize(purpose)}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(ServerConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    private static string Sanitize(string s) => new(s.Where(char.IsLetterOrDigit).Take(16).ToArray());

    private static string FindOrStartServer()
    {
        var fromEnv = Environment.GetEnvironmentVariable("WAARDECHEQUE_TEST_DB");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;

        var root = RepoRoot.Find();

        // One cluster shared by every test process of this machine's run; infra/pg.sh reuses a running one.
        var psi = new ProcessStartInfo("bash", ["infra/pg.sh", "start", "--fast", "--dir", "/tmp/waardecheque-pg-dotnet-test"])
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"infra/pg.sh could not start PostgreSQL: {error}");
        return output;
    }
}
