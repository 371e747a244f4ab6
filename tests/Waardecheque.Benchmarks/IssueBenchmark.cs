using System.Diagnostics;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.ReadModels;

namespace Waardecheque.Benchmarks;

/// <summary>
/// Issuing (QUALITY.md: cheques/s >= 0.3 of a plain COPY's rows/s): 100,000 households in 10 buurten imported through
/// ImportHouseholds in chunks of 10,000 rows (timed on its own, no budget), the program opened, then
/// <see cref="ChequeIssuing.IssueAsync"/> for all of them, in its batches of <see cref="ChequeIssuing.DefaultBatchSize"/>
/// (one query for the households without a cheque, then per batch one transaction: the pure handler deriving and
/// hashing a code per cheque, one BulkStartStreamsAsync with the inline projections, rm_cheques by COPY). Baseline: a plain binary COPY
/// of 100,000 rows into an mt_events-shaped table, each with the body of a real ChequeIssued event, same cluster.
/// </summary>
public static class IssueBenchmark
{
    public const int Households = 100_000;
    public const int Chunk = 10_000;
    public static readonly IReadOnlyList<string> Buurten = DomainSetup.Buurten(10);

    public static async Task RunAsync(BenchArgs args)
    {
        await using var cluster = await BenchCluster.StartAsync();
        await using var app = await DomainApp.StartAsync(cluster, "bench_issue");

        // Warm-up (JIT, pool, plans): a small program through the same path.
        var small = await DomainSetup.CreateProgramAsync(app.Bus, Buurten, 2_500);
        await DomainSetup.ImportAsync(app.Bus, small, 1_000, Buurten, 500);
        await app.Bus.InvokeAsync(new OpenProgram(small), DomainSetup.Municipality);
        await ChequeIssuing.IssueAsync(app.Store, small, DomainSetup.Municipality, TimeProvider.System);

        Profile? profile = args.Profile ? new Profile() : null;
        var measured = await IssueAsync(app, profile is null ? null : programId => profile.BeforeIssueAsync(app, programId));

        var body = await DomainSetup.ScalarAsync<string>(app.Store, "select data::text from mt_events where type = 'cheque_issued' limit 1");
        await BenchStore.ExecuteAsync(cluster, "drop table if exists baseline_events; drop sequence if exists baseline_seq; create sequence baseline_seq;");
        await BenchStore.ExecuteAsync(cluster, BenchStore.EventShapedTable);
        await BulkBenchmark.CopyAsync(cluster, 1_000, body, "cheque_issued");  // warm-up
        var clock = Stopwatch.StartNew();
        await BulkBenchmark.CopyAsync(cluster, Households, body, "cheque_issued");
        var copySeconds = clock.Elapsed.TotalSeconds;

        Console.WriteLine($"import     : {Households} households ({Households / Chunk} ImportHouseholds of {Chunk} rows) in {measured.ImportSeconds:F1} s " +
                          $"= {Households / measured.ImportSeconds:F0} households/s (no budget)");
        Console.WriteLine($"issue      : {measured.Issued} cheques in {measured.IssueSeconds:F2} s = {measured.Issued / measured.IssueSeconds:F0} cheques/s");
        Console.WriteLine($"plain COPY : {Households} rows ({body.Length} characters of jsonb each) in {copySeconds:F2} s = {Households / copySeconds:F0} rows/s");
        Console.WriteLine($"ratio      : {copySeconds / measured.IssueSeconds:F2} (budget >= 0.3)");
        Console.WriteLine($"load avg   : {measured.Load} before issuing, {Load.Average()} at the end");
        if (profile is not null) await profile.AfterIssueAsync(cluster, measured.IssueSeconds);
    }

    /// <summary>
    /// Where the issuing time goes, each part measured on its own: the households query and the pure handler (before
    /// the real issue, which they do not change), then the same events bulk-started into a store with no projections,
    /// and the cheques projection's insert of them into an empty rm_cheques.
    /// </summary>
    private sealed class Profile
    {
        private double _query, _handle;
        private Events? _events;

        public async Task BeforeIssueAsync(DomainApp app, Guid programId)
        {
            var clock = Stopwatch.StartNew();
            var households = await ChequeIssuing.HouseholdsWithoutChequeAsync(app.Store, programId);
            _query = clock.Elapsed.TotalSeconds;
            await using var session = app.Store.LightweightSession();
            var program = (await session.Events.FetchLatest<Program>(programId))!;
            clock.Restart();
            _events = IssueChequesHandler.Handle(new IssueCheques(programId), program, households, DateTimeOffset.UtcNow);
            _handle = clock.Elapsed.TotalSeconds;
        }

        public async Task AfterIssueAsync(BenchCluster cluster, double issueSeconds)
        {
            // Marten's bulk append alone (with the hash-chain trigger), into a bare schema with the domain's aliases.
            await using var bare = await BenchStore.CreateAsync(cluster, "bench_issue_bare",
                o => { foreach (var (type, alias) in DomainEvents.All) o.Events.MapEventType(type, alias); });
            var streams = _events!.Appended.Select(e => (e.StreamId, e.Data)).ToList();
            await bare.BulkStartStreamsAsync<Cheque>(streams.Take(1_000).Select(s => (Guid.NewGuid(), s.Data)).ToList(), "bench");  // warm-up
            var clock = Stopwatch.StartNew();
            await bare.BulkStartStreamsAsync<Cheque>(streams, "bench");
            var bulk = clock.Elapsed.TotalSeconds;

            Console.WriteLine($"profile    : households query {_query:F2} s, pure handler (code per cheque) {_handle:F2} s, " +
                              $"Marten BulkInsertEventsAsync with the hash chain {bulk:F2} s; " +
                              $"issue was {issueSeconds:F2} s (rest, incl. rm_cheques COPY, {issueSeconds - _query - _handle - bulk:F2} s)");
        }
    }

    public sealed record Measured(Guid ProgramId, double ImportSeconds, int Issued, double IssueSeconds, string Load);

    /// <summary>The data set (also the rebuild benchmark's): import in chunks, open, issue; each timed.</summary>
    public static async Task<Measured> IssueAsync(DomainApp app, Func<Guid, Task>? beforeIssue = null)
    {
        var programId = await DomainSetup.CreateProgramAsync(app.Bus, Buurten, 2_500);
        var importSeconds = await DomainSetup.ImportAsync(app.Bus, programId, Households, Buurten, Chunk);
        await app.Bus.InvokeAsync(new OpenProgram(programId), DomainSetup.Municipality);
        if (beforeIssue is not null) await beforeIssue(programId);
        var load = Load.Average();
        var clock = Stopwatch.StartNew();
        var issued = await ChequeIssuing.IssueAsync(app.Store, programId, DomainSetup.Municipality, TimeProvider.System);
        var issueSeconds = clock.Elapsed.TotalSeconds;
        if (issued.Issued != Households) throw new InvalidOperationException($"issued {issued.Issued} cheques for {Households} households");
        return new Measured(programId, importSeconds, issued.Issued, issueSeconds, load);
    }
}
