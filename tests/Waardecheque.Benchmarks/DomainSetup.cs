using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Handlers;
using Waardecheque.Testing;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.ReadModels;

namespace Waardecheque.Benchmarks;

/// <summary>
/// One "app process" for the domain benchmarks, composed as the web host composes it: Marten over the store's options
/// (every domain event, the four inline projections) and Wolverine running the domain's handlers with the app's policies
/// (<see cref="CommandHost"/>), in a schema of its own that is emptied first. Commands go through IMessageBus.InvokeAsync.
/// </summary>
public sealed class DomainApp : IAsyncDisposable
{
    private readonly NpgsqlDataSource _martenPool;

    private DomainApp(WaardechequeStore store, CommandHost bus, NpgsqlDataSource martenPool)
    {
        Store = store;
        Bus = bus;
        _martenPool = martenPool;
        Retries = bus.Services.GetRequiredService<CommandRules>();
    }

    public WaardechequeStore Store { get; }
    public CommandHost Bus { get; }
    /// <summary>How often Wolverine retried a command after a version clash (<see cref="CommandRules.Retries"/>).</summary>
    public CommandRules Retries { get; }

    public static async Task<DomainApp> StartAsync(BenchCluster cluster, string schema, Action<Marten.StoreOptions>? configure = null,
        byte[]? codeKey = null)
    {
        await BenchStore.ExecuteAsync(cluster, $"drop schema if exists {schema} cascade");
        var lookup = new CodeLookup(codeKey ?? DomainSetup.CodeKey);
        var readModels = WaardechequeStore.ReadModelsFor(lookup);
        var martenPool = WaardechequeStore.MartenDataSourceFor(cluster.ConnectionString, schema);
        var options = WaardechequeStore.Options(martenPool, schema, readModels);
        configure?.Invoke(options);
        WaardechequeStore? store = null;
        var host = await CommandHost.StartAsync(options, martenPool, TimeProvider.System, async marten =>
            store = await WaardechequeStore.AttachAsync(marten, cluster.ConnectionString,
                WaardechequeStore.DataSourceFor(cluster.ConnectionString, schema), schema, lookup, readModels));
        return new DomainApp(store!, host, martenPool);
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.DisposeAsync();
        await Store.DisposeAsync();
        await _martenPool.DisposeAsync();
    }
}

/// <summary>A cheque of the benchmark's program, with the buurt its household lives in.</summary>
public sealed record BenchCheque(Guid Id, string Buurt);

/// <summary>
/// Sets a program up through the real commands, as the municipality does: CreateProgram, ImportHouseholds (CSV),
/// OpenProgram, bulk issuing (<see cref="ChequeIssuing"/>), ActivateCheque per resident, ProposeIdea + ApproveIdea.
/// </summary>
public static class DomainSetup
{
    public static readonly byte[] CodeKey = Encoding.UTF8.GetBytes("the benchmark key for cheque codes, 32+ bytes long");
    public static readonly MessageContext Municipality = new("staff:bench-municipality", "bench");
    public static readonly Guid ConnectorId = Guid.Parse("0193a000-0000-7000-8000-00000000c0de");
    public static readonly MessageContext Connector = new($"staff:{ConnectorId}", "bench");
    public static MessageContext Resident(Guid chequeId) => new($"cheque:{chequeId}", "bench");

    /// <summary>The rules the brief asks for (the rule book's defaults, spelled out).</summary>
    public static readonly ProgramRules Rules = new(MinHouseholdsPerIdea: 3, MinPledgeCents: 100);

    public static IReadOnlyList<string> Buurten(int count) =>
        [.. Enumerable.Range(1, count).Select(i => "BU0637" + i.ToString("D4", CultureInfo.InvariantCulture))];

    public static async Task<Guid> CreateProgramAsync(CommandHost bus, IReadOnlyList<string> buurten, long chequeValueCents)
    {
        var id = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await bus.InvokeAsync(new CreateProgram(id, "Benchmark Doet", "GM0637", [.. buurten.Select(b => new Buurt(b, "Buurt " + b[^4..]))],
            chequeValueCents, now.AddDays(-1), now.AddDays(60), Rules), Municipality);
        return id;
    }

    /// <summary>
    /// Household <paramref name="index"/> of a program: 100 house numbers per postcode, postcodes 1000 AB upwards,
    /// one street per postcode; the households are spread over the buurten in equal consecutive blocks.
    /// </summary>
    public static string CsvLine(int index, int total, IReadOnlyList<string> buurten)
    {
        var postcode = index / 100;
        var buurt = buurten[(int)((long)index * buurten.Count / total)];
        return $"{1000 + postcode} AB;{1 + index % 100};;;Straat {postcode};{buurt}\n";
    }

    /// <summary>ImportHouseholds through the bus, <paramref name="chunk"/> rows per command; the seconds it took.</summary>
    public static async Task<double> ImportAsync(CommandHost bus, Guid programId, int households, IReadOnlyList<string> buurten, int chunk)
    {
        var clock = Stopwatch.StartNew();
        for (var from = 0; from < households; from += chunk)
        {
            var csv = new StringBuilder("postcode;huisnummer;huisletter;toevoeging;straat;buurtcode\n");
            for (var i = from; i < Math.Min(households, from + chunk); i++) csv.Append(CsvLine(i, households, buurten));
            await bus.InvokeAsync(new ImportHouseholds(programId, csv.ToString()), Municipality);
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Create, import, open and issue: the program id and its cheques in address order.</summary>
    public static async Task<(Guid ProgramId, List<BenchCheque> Cheques)> IssuedProgramAsync(DomainApp app, int households,
        IReadOnlyList<string> buurten, long chequeValueCents, int importChunk = 2_000)
    {
        var programId = await CreateProgramAsync(app.Bus, buurten, chequeValueCents);
        await ImportAsync(app.Bus, programId, households, buurten, importChunk);
        await app.Bus.InvokeAsync(new OpenProgram(programId), Municipality);
        var issued = await ChequeIssuing.IssueAsync(app.Store, programId, Municipality, TimeProvider.System);
        if (issued.Issued != households) throw new InvalidOperationException($"issued {issued.Issued} cheques for {households} households");
        return (programId, await ChequesAsync(app.Store, programId));
    }

    public static async Task<List<BenchCheque>> ChequesAsync(WaardechequeStore store, Guid programId)
    {
        await using var cmd = store.DataSource.CreateCommand("""
            select c.id, c.buurt_code from rm_cheques c join rm_households h on h.id = c.household_id
            where c.program_id = $1 order by h.postcode, h.huisnummer
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        var list = new List<BenchCheque>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add(new BenchCheque(reader.GetGuid(0), reader.GetString(1)));
        return list;
    }

    /// <summary>Every resident scans their letter: one ActivateCheque each, <paramref name="parallel"/> at a time.</summary>
    public static Task ActivateAsync(CommandHost bus, IEnumerable<Guid> cheques, int parallel = 8) =>
        Parallel.ForEachAsync(cheques, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (cheque, ct) =>
            await bus.InvokeAsync(new ActivateCheque(cheque), Resident(cheque), ct));

    /// <summary>One idea per initiator, for the initiator's whole buurt: ProposeIdea, then a connector's ApproveIdea.</summary>
    public static async Task<List<Guid>> OpenIdeasAsync(CommandHost bus, IReadOnlyList<BenchCheque> initiators, long targetCents, int parallel = 8)
    {
        var ids = initiators.Select(_ => Guid.CreateVersion7()).ToList();
        var deadline = DateTimeOffset.UtcNow.AddDays(30);
        await Parallel.ForEachAsync(Enumerable.Range(0, initiators.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
        {
            var initiator = initiators[i];
            await bus.InvokeAsync(new ProposeIdea(ids[i], initiator.Id, $"Buurtidee {i + 1}", "Een idee voor de hele buurt.",
                Scope.ForBuurt(initiator.Buurt), targetCents, deadline), Resident(initiator.Id), ct);
            await bus.InvokeAsync(new ApproveIdea(ids[i], ConnectorId), Connector, ct);
        });
        return ids;
    }

    public static async Task<T> ScalarAsync<T>(WaardechequeStore store, string sql, params object[] args)
    {
        await using var cmd = store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>What one command came to: "ok", a rule's code, or "lost:{exception}" (anything else: a lost request).</summary>
public readonly record struct Outcome(string Result, double Milliseconds)
{
    public bool Ok => Result == "ok";
    public bool Lost => Result.StartsWith("lost:", StringComparison.Ordinal);

    public static async Task<Outcome> OfAsync(Func<Task> command)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await command();
            return new Outcome("ok", clock.Elapsed.TotalMilliseconds);
        }
        catch (RuleViolation e)
        {
            return new Outcome(e.Code, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e)
        {
            return new Outcome("lost:" + e.GetType().Name, clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Nearest-rank percentile of the latencies.</summary>
    public static double Percentile(IEnumerable<Outcome> outcomes, double p)
    {
        var sorted = outcomes.Select(o => o.Milliseconds).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static string Counts(IEnumerable<Outcome> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o.Result).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
}

public static class Load
{
    /// <summary>The 1-minute load average, to print next to every figure (other engineers build on the same 2 cores).</summary>
    public static string Average() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
