using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Testing;

namespace Waardecheque.Benchmarks;

/// <summary>
/// The resident cheque page under load (QUALITY.md: req/s ÷ req/s of a trivial endpoint in the same app >= 0.10,
/// p99 &lt; 50 ms, 16 connections). The Release web host runs as its own process in Production, on a durable cluster,
/// set up over its API as a municipality does it: one buurt of <see cref="Households"/> households, cheques issued,
/// <see cref="IdeaCount"/> open ideas in the buurt, and the benchmark's resident has pledged to three of them. The
/// resident scans the QR code (<c>GET /c/{code}</c>: session cookie) and then wrk, with that cookie, loads
/// <c>/mijn-cheque</c> (credit, own pledges, the buurt's ideas); the baseline is <c>/health/live</c> on the same app,
/// measured in the same run by the same wrk.
/// </summary>
public static class ChequePageBenchmark
{
    private const int Households = 200, IdeaCount = 12, Connections = 16;
    private const string CodeKey = "benchmark-code-key-0123456789abcdef";
    private const string AdminEmail = "beheer@benchmark.example", AdminPassword = "een lang benchmarkwachtwoord";
    private const string Buurt = "BU06370301", Postcode = "2716 BA";

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        using var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            // WAARDECHEQUE_BENCH_NPGSQL_OPTIONS adds Npgsql options to the app's connection string, to try pool or
            // statement settings (e.g. "No Reset On Close=true;Max Auto Prepare=20") without a code change.
            ["ConnectionStrings:Waardecheque"] = cluster.ConnectionString
                + (Environment.GetEnvironmentVariable("WAARDECHEQUE_BENCH_NPGSQL_OPTIONS") is { Length: > 0 } extra ? ";" + extra : ""),
            ["Waardecheque:CodeKey"] = CodeKey,
            ["Waardecheque:PublicBaseUrl"] = "https://waardecheque.benchmark.example",
            ["Waardecheque:BootstrapAdmin:Email"] = AdminEmail,
            ["Waardecheque:BootstrapAdmin:Password"] = AdminPassword,
            // One request line per page view goes to the console at Information, as in production; the app's
            // output pipe is read by AppProcess.
            // --profile: JIT-compiled methods named for `perf record -p <pid>` (/tmp/perf-<pid>.map).
            ["DOTNET_PerfMapEnabled"] = args.Profile ? "1" : "0",
        });
        Console.WriteLine($"app        : {AppProcess.WebDll} (Production) at {app.BaseAddress}, pid {app.ProcessId}");

        var cookie = await SetUpAsync(app.BaseAddress);
        var page = new Uri(app.BaseAddress, "/mijn-cheque");
        var trivial = new Uri(app.BaseAddress, "/health/live");

        // Warm-up of both (JIT, pools, query plans); then the baseline and the page, each for the same time.
        await Wrk.RunAsync(trivial, Connections, 5, null);
        await Wrk.RunAsync(page, Connections, 5, cookie);
        var loadBefore = Load.Average();
        Console.WriteLine($"measuring  : /health/live, then /mijn-cheque, {args.Seconds} s each ({DateTime.UtcNow:HH:mm:ss} UTC)");
        var baseline = await Wrk.RunAsync(trivial, Connections, args.Seconds, null);
        var measured = await Wrk.RunAsync(page, Connections, args.Seconds, cookie);

        Console.WriteLine($"trivial    : GET /health/live  {baseline}");
        Console.WriteLine($"cheque page: GET /mijn-cheque  {measured}");
        var ratio = measured.RequestsPerSecond / baseline.RequestsPerSecond;
        Console.WriteLine($"ratio      : {ratio:F3} (budget >= 0.10: {(ratio >= 0.10 ? "met" : "NOT met")}); " +
                          $"page p99 {measured.P99Ms:F1} ms (budget < 50 ms: {(measured.P99Ms < 50 ? "met" : "NOT met")})");
        Console.WriteLine($"load avg   : {loadBefore} before, {Load.Average()} after; {Connections} connections, wrk -t2, {args.Seconds} s each");
        if (measured.Errors > 0 || baseline.Errors > 0)
            Console.WriteLine("WARNING    : some answers were not 2xx/3xx or sockets failed: the figures above are not valid");

        if (!args.Profile) return;
        // Where the time goes, measured after the budgeted figures so it does not disturb them.
        await ProfileAsync(app, cluster, "trivial", trivial, null, args.Seconds);
        await ProfileAsync(app, cluster, "cheque page", page, cookie, args.Seconds);
    }

    /// <summary>CPU per request of the app, PostgreSQL and wrk, and the statements each request sends to PostgreSQL.</summary>
    private static async Task ProfileAsync(AppProcess app, BenchCluster cluster, string name, Uri url, string? cookie, int seconds)
    {
        using var process = System.Diagnostics.Process.GetProcessById(app.ProcessId);
        var statementsBefore = await StatementsAsync(cluster);
        var (cpuBefore, appBefore) = (CpuSample.Take(), process.TotalProcessorTime);
        var run = await Wrk.RunAsync(url, Connections, seconds, cookie);
        process.Refresh();
        var (cpu, appCpu) = (CpuSample.Take() - cpuBefore, process.TotalProcessorTime - appBefore);
        var statements = await StatementsAsync(cluster) - statementsBefore;
        Console.WriteLine($"profile    : {name}: {run.RequestsPerSecond:N0} req/s; CPU per request: app {appCpu.TotalMilliseconds / run.Requests:F3} ms, " +
                          $"PostgreSQL {cpu.Server * 1000 / run.Requests:F3} ms, wrk {cpu.Children * 1000 / run.Requests:F3} ms; " +
                          $"{statements / (double)run.Requests:F2} statements per request");
    }

    /// <summary>Transactions PostgreSQL has finished in the app's database: each statement the app sends outside a transaction is one.</summary>
    private static async Task<long> StatementsAsync(BenchCluster cluster)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // PostgreSQL publishes its statistics about once a second
        await using var conn = new Npgsql.NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The program, over the API; returns the resident's session cookie (<c>name=value</c>) after a QR scan.</summary>
    private static async Task<string> SetUpAsync(Uri baseAddress)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        var admin = (await JsonAsync(http, HttpMethod.Post, "/api/v1/staff/sessions", null, new { email = AdminEmail, password = AdminPassword }))
            .GetProperty("token").GetString()!;
        var now = DateTimeOffset.UtcNow;
        var programId = (await JsonAsync(http, HttpMethod.Post, "/api/v1/programs", admin, new
        {
            name = "Benchmark", municipalityCode = "GM0637", buurten = new[] { new { code = Buurt, name = "Tuinen" } },
            chequeValueCents = 750, opensAt = now, closesAt = now.AddDays(60),
            rules = new { minHouseholdsPerIdea = 3, minPledgeCents = 100, maxIdeaTargetCents = 150000, moderation = true, topUps = false, maxTopUpCents = 0 },
        })).GetProperty("id").GetGuid();
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        for (var n = 1; n <= Households; n++) csv.Append($"{Postcode},{n},,,Rozentuin,{Buurt}\n");
        await JsonAsync(http, HttpMethod.Post, $"/api/v1/programs/{programId}/households", admin,
            new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
        await JsonAsync(http, HttpMethod.Post, $"/api/v1/programs/{programId}/open", admin, new { });
        await JsonAsync(http, HttpMethod.Post, $"/api/v1/programs/{programId}/cheques/issue", admin, new { });

        string CodeOf(int number) => ChequeCode.Derive(Encoding.UTF8.GetBytes(CodeKey),
            Cheque.IdFor(programId, Household.IdFor(programId, Household.AddressKeyOf(Postcode, number, null, null)))).ToString();
        var residents = new List<string>();
        for (var n = 1; n <= 3; n++)
            residents.Add((await JsonAsync(http, HttpMethod.Post, "/api/v1/resident/sessions", null, new { code = CodeOf(n) })).GetProperty("token").GetString()!);
        var ideas = new List<Guid>();
        for (var i = 0; i < IdeaCount; i++)
        {
            var id = (await JsonAsync(http, HttpMethod.Post, "/api/v1/ideas", residents[i % residents.Count], new
            {
                title = $"Idee {i + 1} voor de buurt", description = "Bloembakken, een bankje en een buurtfeest.",
                scope = new { kind = "buurt", buurtCode = Buurt }, targetCents = 50_000, deadline = now.AddDays(30),
            })).GetProperty("id").GetGuid();
            await JsonAsync(http, HttpMethod.Post, $"/api/v1/ideas/{id}/approve", admin, new { });
            ideas.Add(id);
        }
        foreach (var idea in ideas.Take(3))
            await JsonAsync(http, HttpMethod.Post, $"/api/v1/ideas/{idea}/pledges", residents[0], new { amountCents = 100 });

        // The QR scan: the cookie comes with a redirect to the page.
        var scan = await http.GetAsync($"/c/{CodeOf(1)}");
        if (scan.StatusCode != HttpStatusCode.Redirect && scan.StatusCode != HttpStatusCode.Found)
            throw new InvalidOperationException($"the QR link answered {(int)scan.StatusCode}, not a redirect");
        var cookie = scan.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("wc_bewoner="));
        var check = new HttpRequestMessage(HttpMethod.Get, "/mijn-cheque");
        check.Headers.Add("Cookie", cookie);
        var html = await (await http.SendAsync(check)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();
        if (!html.Contains("Idee 1 voor de buurt")) throw new InvalidOperationException("the cheque page does not show the resident's pledges");
        Console.WriteLine($"set-up     : {Households} households, {IdeaCount} open ideas in the buurt, 3 pledged by the resident; page {html.Length:N0} bytes");
        return cookie;
    }

    private static async Task<JsonElement> JsonAsync(HttpClient http, HttpMethod method, string url, string? token, object body)
    {
        var request = new HttpRequestMessage(method, url) { Content = body as HttpContent ?? JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
