using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Waardecheque.Testing;

/// <summary>
/// The built web host (src/Waardecheque.Web) as a real operating-system process on a loopback port, for what an
/// in-memory host cannot show: being killed with SIGKILL (the crash drill) or serving a load generator (benchmarks).
/// Runs the build of the same configuration as the caller (Release under infra/test.sh). Settings are passed as
/// environment variables (<c>ConnectionStrings:Waardecheque</c> becomes <c>ConnectionStrings__Waardecheque</c>).
/// </summary>
public sealed class AppProcess : IDisposable
{
    /// <summary>Generous: on a loaded two-core machine a cold start with schema work has taken well over 10 s.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    // The last lines of the app's console output, for a failure message; reading them also keeps the pipes from filling.
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public string RecentOutput => string.Join("\n", _output);

    /// <summary>The web host's assembly of the caller's build configuration; WAARDECHEQUE_WEB_DLL overrides it.</summary>
    public static string WebDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("WAARDECHEQUE_WEB_DLL") is { Length: > 0 } dll) return dll;
            var configuration = typeof(AppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            return Path.Combine(RepoRoot.Find(), "src", "Waardecheque.Web", "bin", configuration, "net10.0", "Waardecheque.Web.dll");
        }
    }

    /// <summary>Starts the app and returns once <c>/health/ready</c> answers 200.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment = "Production")
    {
        var dll = WebDll;
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built (dotnet build -c Release first).");
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            // The content root: appsettings.json and wwwroot are copied next to the assembly.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in settings) psi.Environment[key.Replace(":", "__")] = value;

        var app = new AppProcess(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await app.WaitUntilReadyAsync();
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary><c>kill -9</c>: no shutdown hooks, no flushing, no finishing of requests in flight.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try { KillHard(); }
        catch (InvalidOperationException) { /* never started */ }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var waiting = Stopwatch.StartNew();
        while (waiting.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} while starting:\n{RecentOutput}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The app was not ready within {ReadyTimeout.TotalSeconds} s:\n{RecentOutput}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 300) _output.TryDequeue(out _);
    }

    private static int FreePort()
    {
        // The port is free now; the app binds it a moment later (a clash is possible in theory, never seen in practice).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
