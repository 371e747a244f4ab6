using System.Globalization;
using System.Text.RegularExpressions;

namespace Waardecheque.Benchmarks;

/// <summary>One wrk run's figures: requests per second, latency percentiles, and failures (non-2xx/3xx answers and socket errors).</summary>
public sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors)
{
    public override string ToString() =>
        $"{RequestsPerSecond:N0} req/s, p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms, {Requests:N0} requests, {Errors} errors";
}

/// <summary>
/// wrk (Debian package <c>wrk</c>; <c>apt-get install -y --no-install-recommends wrk</c>): an HTTP load generator
/// in C, so the load comes from a client far cheaper than the app it measures.
/// </summary>
public static partial class Wrk
{
    /// <param name="cookie"><c>name=value</c> sent with every request, or null.</param>
    public static async Task<WrkResult> RunAsync(Uri url, int connections, int seconds, string? cookie)
    {
        List<string> args = ["-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "--timeout", "10s"];
        if (cookie is not null) args.AddRange(["-H", $"Cookie: {cookie}"]);
        args.Add(url.ToString());
        string output;
        try { output = await BenchCluster.RunAsync(Directory.GetCurrentDirectory(), "wrk", [.. args]); }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("wrk is not installed: apt-get update && apt-get install -y --no-install-recommends wrk");
        }
        return Parse(output);
    }

    public static WrkResult Parse(string output)
    {
        double Number(Regex pattern) => double.Parse(pattern.Match(output) is { Success: true } m ? m.Groups[1].Value
            : throw new FormatException("unexpected wrk output:\n" + output), CultureInfo.InvariantCulture);
        long Count(Regex pattern) => pattern.Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrors().Match(output) is { Success: true } s
            ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
        return new WrkResult(
            Number(RequestsPerSecond()),
            Milliseconds(Percentile(output, "50%")),
            Milliseconds(Percentile(output, "99%")),
            Count(Requests()),
            Count(Non2xx()) + socketErrors);
    }

    private static string Percentile(string output, string which) =>
        Regex.Match(output, $@"^\s+{Regex.Escape(which)}\s+(\S+)\s*$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value : throw new FormatException($"no {which} latency in wrk output:\n{output}");

    /// <summary>wrk prints latencies as 812.00us, 4.21ms or 1.02s.</summary>
    private static double Milliseconds(string value)
    {
        var unit = value.TrimStart("0123456789.".ToCharArray());
        var number = double.Parse(value[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => number / 1000,
            "ms" => number,
            "s" => number * 1000,
            "m" => number * 60_000,
            _ => throw new FormatException($"unknown wrk latency unit in {value}"),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")] private static partial Regex RequestsPerSecond();
    [GeneratedRegex(@"(\d+) requests in")] private static partial Regex Requests();
    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")] private static partial Regex Non2xx();
    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")] private static partial Regex SocketErrors();
}
