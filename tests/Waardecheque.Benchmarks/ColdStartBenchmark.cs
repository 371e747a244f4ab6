using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Waardecheque.Domain.Cheques;
using Waardecheque.Testing;

namespace Waardecheque.Benchmarks;

/// <summary>
/// Cold start to the first pledge: from starting the built web host as a process (dotnet Waardecheque.Web.dll) to the
/// first 201 of POST /ideas/{id}/pledges (a resident signs in with a code, then pledges), with the handlers' code
/// pre-generated (TypeLoadMode.Static, the default outside Development) and generated at run time
/// (Waardecheque:HandlerCode=Dynamic); 3 runs of each, alternating, on one database (<c>--seconds</c> is not used).
/// </summary>
public static class ColdStartBenchmark
{
    private const string CodeKey = "the cold-start benchmark's code key, 32+ chars";
    private const int RunsPerMode = 3;

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        // The program through the real commands (one host), in the schema the web host uses.
        List<BenchCheque> cheques;
        Guid idea;
        await using (var app = await DomainApp.StartAsync(cluster, "waardecheque", codeKey: Encoding.UTF8.GetBytes(CodeKey)))
        {
            (_, cheques) = await DomainSetup.IssuedProgramAsync(app, 50, ["BU06370001"], 2_500);
            await DomainSetup.ActivateAsync(app.Bus, cheques.Select(c => c.Id));
            idea = (await DomainSetup.OpenIdeasAsync(app.Bus, [cheques[0]], 40_000))[0];
        }

        var next = 1;
        var results = new List<(string Mode, double Seconds, string Load)>();
        for (var run = 0; run < RunsPerMode; run++)
            foreach (var mode in new[] { "Dynamic", "Static" })
            {
                var load = Load.Average();
                var seconds = await FirstPledgeAsync(cluster.ConnectionString, mode, idea, cheques[next++].Id);
                results.Add((mode, seconds, load));
                Console.WriteLine($"{mode,-8}: {seconds:F2} s from process start to the first 201 (load avg before: {load})");
            }
        foreach (var g in results.GroupBy(r => r.Mode))
            Console.WriteLine($"{g.Key,-8}: median {g.Select(r => r.Seconds).Order().ElementAt(g.Count() / 2):F2} s of {g.Count()} runs");
    }

    private static async Task<double> FirstPledgeAsync(string connectionString, string mode, Guid idea, Guid cheque)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet", [AppProcess.WebDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(AppProcess.WebDll)!,
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ConnectionStrings__Waardecheque"] = connectionString;
        psi.Environment["Waardecheque__CodeKey"] = CodeKey;
        psi.Environment["Waardecheque__HandlerCode"] = mode;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/v1/"), Timeout = TimeSpan.FromSeconds(30) };
        var code = ChequeCode.Derive(Encoding.UTF8.GetBytes(CodeKey), cheque).Normalised;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string? token = null;
            while (token is null)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(2) || process.HasExited) throw new InvalidOperationException("the app did not answer");
                try
                {
                    var signIn = await http.PostAsJsonAsync("resident/sessions", new { code });
                    if (signIn.StatusCode == HttpStatusCode.OK)
                        token = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
                }
                catch (HttpRequestException) { }
                if (token is null) await Task.Delay(20);
            }
            using var pledge = new HttpRequestMessage(HttpMethod.Post, $"ideas/{idea}/pledges") { Content = JsonContent.Create(new { amountCents = 100 }) };
            pledge.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var answer = await http.SendAsync(pledge);
            var seconds = clock.Elapsed.TotalSeconds;
            if (answer.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"pledge answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            return seconds;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
