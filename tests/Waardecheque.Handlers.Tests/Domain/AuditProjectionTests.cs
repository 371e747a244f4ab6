using Microsoft.Extensions.Time.Testing;
using System.Text.Json;
using Marten;
using Marten.Events;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Ledger;
using Waardecheque.Domain.Programs;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Audit;
using Xunit.Abstractions;

namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>
/// The audit from the projection (ReadModels/Audit) answers exactly what the fold of the program's whole log answers
/// (<see cref="ProgramLedger"/>, the domain's <see cref="Books"/>): after every command of a random sequence, wherever
/// the daemon happens to be (nowhere, a random page boundary, all the way), with two app processes and Marten's daemon
/// running, and after Marten's rebuild.
/// </summary>
public sealed class AuditProjectionTests(DomainFixture db, ITestOutputHelper output) : IClassFixture<DomainFixture>
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    [Fact]
    public async Task after_every_command_of_a_random_sequence_the_audit_is_the_fold_of_the_whole_log_wherever_the_daemon_is()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WAARDECHEQUE_AUDIT_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (WAARDECHEQUE_AUDIT_SEED={seed} replays it)");
        var random = new Random(seed);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 24);
        var driver = new RandomCommands(hood, random);

        await AssertAuditIsTheFoldAsync(app, hood, $"seed {seed}, after set-up");
        for (var step = 0; step < 120; step++)
        {
            var what = await driver.StepAsync(closeAllowed: step > 100);
            // The daemon somewhere between where it was and the end of the log, in pages of random size.
            if (random.NextDouble() < 0.6) await AdvanceAsync(app, random, toTheEnd: random.NextDouble() < 0.3);
            await AssertAuditIsTheFoldAsync(app, hood, $"seed {seed}, step {step}: {what}");
        }
        output.WriteLine(driver.Summary);
        Assert.True(driver.Done.Count(d => d.StartsWith("pledge", StringComparison.Ordinal)) >= 10, driver.Summary);

        await AdvanceAsync(app, random, toTheEnd: true);
        var reading = await ProgramAudit.ReadAsync(app.Store.DataSource, hood.ProgramId, withDays: true);
        Assert.Equal(0, reading.TailEvents);
        Assert.True(reading.Figures.Reconciles);
        output.WriteLine($"ideas funded {reading.Figures.Participation.Funded}, committed {reading.Figures.CommittedCents}, " +
                         $"spent {reading.Figures.SpentCents}, returned {reading.Figures.ReturnedCents}, expired {reading.Figures.ExpiredCents}");
    }

    [Fact]
    public async Task with_marten_s_daemon_on_one_of_two_processes_a_read_right_after_a_write_on_the_other_is_exact()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var one = await db.StartAppAsync(clock);
        await using var two = await db.StartAppAsync(clock);
        using var daemon = await one.Store.Marten.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        var hood = await Neighbourhood.CreateAsync(one, clock, households: 24);
        var idea = await hood.OpenIdeaAsync(hood.Cheques[0], 2_400);
        var other = await hood.OpenIdeaAsync(hood.Cheques[1], 600);
        // Pledges on both processes at once while both read the audit: each read is the whole log's fold at that moment.
        var pledges = Enumerable.Range(2, 20).Select(async i =>
        {
            var app = i % 2 == 0 ? one : two;
            var outcome = await Neighbourhood.PledgeAsync(app.Bus, i % 3 == 0 ? other : idea, hood.Cheques[i], 110);
            var figures = (await ProgramAudit.ReadAsync((i % 2 == 0 ? two : one).Store.DataSource, hood.ProgramId, withDays: false)).Figures;
            Assert.True(figures.Reconciles, $"does not reconcile after pledge {i} ({outcome.Result}): {JsonSerializer.Serialize(figures)}");
        });
        await Task.WhenAll(pledges);
        await AssertAuditIsTheFoldAsync(two, hood, "right after the pledges, on the other process");

        await one.Store.Marten.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        var caughtUp = await ProgramAudit.ReadAsync(two.Store.DataSource, hood.ProgramId, withDays: true);
        Assert.Equal(0, caughtUp.TailEvents);
        await AssertAuditIsTheFoldAsync(two, hood, "with the daemon caught up");
        await daemon.StopAllAsync();
    }

    [Fact]
    public async Task marten_s_rebuild_of_the_audit_gives_the_same_figures()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 16);
        var driver = new RandomCommands(hood, new Random(7));
        for (var step = 0; step < 60; step++) await driver.StepAsync(closeAllowed: step > 50);
        await AdvanceAsync(app, new Random(7), toTheEnd: true);
        var before = await ProgramAudit.ReadAsync(app.Store.DataSource, hood.ProgramId, withDays: true);
        Assert.Equal(0, before.TailEvents);

        var started = await ScalarAsync<DateTime>(app, "select now()");
        await AuditRebuild.RebuildAsync(app.Store, TimeSpan.FromMinutes(2));

        // Every audit table got new statistics from the rebuild itself, not from autovacuum whenever it comes round.
        Assert.Equal(8L, await ScalarAsync<long>(app, $"""
            select count(*) from pg_stat_user_tables
            where relname like 'rm\_audit\_%' and last_analyze >= '{started:O}'::timestamptz
            """));
        var after = await ProgramAudit.ReadAsync(app.Store.DataSource, hood.ProgramId, withDays: true);
        Assert.Equal(0, after.TailEvents);
        Assert.Equal(JsonSerializer.Serialize(before.Figures, Json), JsonSerializer.Serialize(after.Figures, Json));
        Assert.Equal(JsonSerializer.Serialize(before.Days, Json), JsonSerializer.Serialize(after.Days, Json));
        await AssertAuditIsTheFoldAsync(app, hood, "after the rebuild");
    }

    private static async Task<T> ScalarAsync<T>(DomainApp app, string sql)
    {
        await using var cmd = app.Store.DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The projection's answer (figures and days) against the fold of the whole log, field for field.</summary>
    private static async Task AssertAuditIsTheFoldAsync(DomainApp app, Neighbourhood hood, string context)
    {
        var reading = await ProgramAudit.ReadAsync(app.Store.DataSource, hood.ProgramId, withDays: true);
        var history = await ProgramLedger.DailyFiguresAsync(app.Store, hood.ProgramId);
        var full = history.Final.Figures();
        Assert.True(JsonSerializer.Serialize(full, Json) == JsonSerializer.Serialize(reading.Figures, Json),
            $"{context} (checkpoint {reading.Checkpoint}, tail {reading.TailEvents}):\nfold:       {JsonSerializer.Serialize(full, Json)}\n" +
            $"projection: {JsonSerializer.Serialize(reading.Figures, Json)}");
        Assert.True(full.Reconciles, context);
        var fullDays = history.Days.Select(d => new AuditDay(d.Date, d.Figures with { ByBuurt = [], ByIdea = [] }));
        Assert.Equal(JsonSerializer.Serialize(fullDays, Json), JsonSerializer.Serialize(reading.Days, Json));
    }

    /// <summary>Hands the projection the events after its checkpoint up to a random point (or the end), in random pages.</summary>
    private static async Task AdvanceAsync(DomainApp app, Random random, bool toTheEnd)
    {
        await using var session = app.Store.Marten.QuerySession();
        var from = await ScalarAsync(app, "select coalesce((select last_seq from rm_audit_checkpoint where id = 1), 0)");
        var end = await ScalarAsync(app, "select coalesce(max(seq_id), 0) from mt_events");
        var upTo = toTheEnd ? end : from + (long)(random.NextDouble() * (end - from));
        var events = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > from && e.Sequence <= upTo)
            .OrderBy(e => e.Sequence).ToListAsync();
        var projection = new AuditProjection(app.Store.DataSource);
        for (var at = 0; at < events.Count;)
        {
            var size = Math.Min(events.Count - at, 1 + random.Next(40));
            await projection.ApplyAsync(null!, events.Skip(at).Take(size).ToList(), CancellationToken.None);
            at += size;
        }
    }

    private static async Task<long> ScalarAsync(DomainApp app, string sql)
    {
        await using var cmd = app.Store.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// Random commands of residents, connectors and the payment provider on one neighbourhood: ideas proposed and
    /// approved, pledges and withdrawals, top-ups paid and refunded, ideas withdrawn, expenses, completion, and at the
    /// end perhaps the close. A rule's refusal is part of the game; follow-ups (releases) are delivered at once.
    /// </summary>
    private sealed class RandomCommands(Neighbourhood hood, Random random)
    {
        private readonly List<Guid> _ideas = [];
        private readonly List<(Guid Idea, Guid TopUp)> _paidTopUps = [];
        private bool _closed;
        public List<string> Done { get; } = [];
        public string Summary => string.Join(", ", Done.GroupBy(d => d).Select(g => $"{g.Key} {g.Count()}"));

        private Guid AnyCheque => hood.Cheques[random.Next(hood.Cheques.Count)];
        private Guid AnyIdea => _ideas[random.Next(_ideas.Count)];
        /// <summary>The last idea a pledge funded, if any (expenses and completion need one), else any.</summary>
        private Guid FundedIdea => _funded.Count > 0 && random.NextDouble() < 0.8 ? _funded[^1] : AnyIdea;
        private readonly List<Guid> _funded = [];
        private static readonly Guid Staff = Neighbourhood.Connector;

        public async Task<string> StepAsync(bool closeAllowed)
        {
            var roll = random.Next(100);
            var (what, command, context) = roll switch
            {
                _ when _ideas.Count == 0 || (roll < 12 && _ideas.Count < 14) => ("propose", (object?)null, (MessageContext?)null),
                < 50 => Pledge(),
                < 58 => ("withdraw pledges", new WithdrawPledges(AnyIdea, AnyCheque), null),
                < 66 => ("top-up", null, null),
                < 70 => ("refund", null, null),
                < 72 => ("withdraw idea", new WithdrawIdea(AnyIdea, ByStaffId: Staff), Neighbourhood.Staff(Staff)),
                < 82 => ("expense", null, null),
                < 86 => ("complete", new CompleteIdea(FundedIdea, Staff), Neighbourhood.Staff(Staff)),
                < 95 when closeAllowed && !_closed => ("close", new CloseProgram(hood.ProgramId), Neighbourhood.Staff(Neighbourhood.Municipality)),
                _ => Pledge(),
            };
            var result = "ok";
            try
            {
                switch (what)
                {
                    case "pledge":
                    {
                        // Often what the idea still needs, so that ideas fund (and expenses, completion and the second
                        // equation come into play); otherwise a small random amount.
                        var (idea, cheque) = (await hood.LoadAsync<Idea>(AnyIdea), AnyCheque);
                        var amount = random.NextDouble() < 0.35 ? Math.Max(100, idea.TargetCents - idea.TotalCents) : 100 + 10 * random.Next(15);
                        await hood.App.Bus.InvokeAsync(new Pledge(idea.Id, cheque, amount), Neighbourhood.Resident(cheque));
                        if ((await hood.LoadAsync<Idea>(idea.Id)).State == IdeaState.Funded) _funded.Add(idea.Id);
                        break;
                    }
                    case "propose":
                        _ideas.Add(await hood.OpenIdeaAsync(AnyCheque, 300 + 100 * random.Next(8)));
                        break;
                    case "top-up":
                    {
                        var (idea, topUp, amount) = (AnyIdea, Guid.CreateVersion7(), 100L + 50 * random.Next(8));
                        await hood.App.Bus.InvokeAsync(new StartTopUp(idea, topUp, amount), Neighbourhood.Resident(AnyCheque));
                        await hood.App.Bus.InvokeAsync(new RecordTopUpPayment(idea, topUp, amount, $"pi_{topUp:N}"), Neighbourhood.Staff(Staff));
                        _paidTopUps.Add((idea, topUp));
                        break;
                    }
                    case "refund":
                        if (_paidTopUps.Count == 0) { result = "none"; break; }
                        var (refundIdea, refundTopUp) = _paidTopUps[random.Next(_paidTopUps.Count)];
                        await hood.App.Bus.InvokeAsync(new RecordTopUpRefund(refundIdea, refundTopUp, $"re_{Guid.NewGuid():N}"), Neighbourhood.Staff(Staff));
                        break;
                    case "expense":
                    {
                        var idea = await hood.LoadAsync<Idea>(FundedIdea);
                        var expense = Guid.CreateVersion7();
                        await hood.App.Bus.InvokeAsync(new SubmitExpense(idea.Id, expense, idea.InitiatorHouseholdId, 50 + 10 * random.Next(20),
                            "Bakker", "Soep", "receipt-1"), Neighbourhood.Resident(idea.InitiatorChequeId));
                        await hood.App.Bus.InvokeAsync(new ApproveExpense(idea.Id, expense, Staff), Neighbourhood.Staff(Staff));
                        break;
                    }
                    default:
                        await hood.App.Bus.InvokeAsync(command!, context ?? Neighbourhood.Resident(AnyCheque));
                        if (what == "close") _closed = true;
                        break;
                }
            }
            catch (RuleViolation e)
            {
                result = e.Code;
            }
            // Releases after a withdrawal or the close are follow-ups: deliver them before the next read.
            await hood.FollowUpsDeliveredAsync();
            Done.Add($"{what} {result}");
            return $"{what} {result}";

            static (string, object?, MessageContext?) Pledge() => ("pledge", null, null);
        }
    }
}
