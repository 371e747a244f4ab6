using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Waardecheque.Benchmarks;

/// <summary>
/// Counts Npgsql operations (each command or batch sent, as Npgsql's <c>db.client.operation.duration</c> records them)
/// in this process, to tell round trips per domain command.
/// </summary>
public sealed class NpgsqlOperations : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public NpgsqlOperations()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}

/// <summary>
/// CPU seconds used so far by this process, by the programs it ran and waited for (pgbench), and by the benchmark
/// cluster's PostgreSQL (postmaster, its live children, and the children it has reaped). From /proc; Linux only.
/// </summary>
public readonly record struct CpuSample(double Client, double Children, double Server)
{
    private static readonly double Tick = 100.0;   // USER_HZ on Linux

    public static CpuSample Take()
    {
        var self = Stat("self");
        var server = 0.0;
        var postmaster = PostmasterPid();
        if (postmaster is { } pm)
        {
            var main = Stat(pm.ToString(CultureInfo.InvariantCulture));
            server = main is null ? 0 : main.Value.Utime + main.Value.Stime + main.Value.Cutime + main.Value.Cstime;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir);
                if (!char.IsAsciiDigit(name[0])) continue;
                var s = Stat(name);
                if (s is { } child && child.Ppid == pm) server += child.Utime + child.Stime;
            }
        }
        return new CpuSample(
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            self is { } me ? (me.Cutime + me.Cstime) / Tick : 0,
            server / Tick);
    }

    public static CpuSample operator -(CpuSample a, CpuSample b) => new(a.Client - b.Client, a.Children - b.Children, a.Server - b.Server);

    private static int? PostmasterPid()
    {
        var file = Path.Combine(BenchCluster.Directory, "data", "postmaster.pid");
        try
        {
            return File.Exists(file) ? int.Parse(File.ReadLines(file).First(), CultureInfo.InvariantCulture) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static (int Ppid, double Utime, double Stime, double Cutime, double Cstime)? Stat(string pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses: the fields start after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            double F(int n) => double.Parse(fields[n - 3], CultureInfo.InvariantCulture);   // n: field number in proc(5)
            return ((int)F(4), F(14), F(15), F(16), F(17));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
