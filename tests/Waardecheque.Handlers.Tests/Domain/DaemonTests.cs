using Microsoft.Extensions.Time.Testing;
using Marten;
using Marten.Events;
using Npgsql;
using Waardecheque.ReadModels;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Handlers.Tests.Domain;

public sealed class DaemonTests(DomainFixture db) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task the_async_daemon_follows_the_domain_events_and_the_log_verifies()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock,
            configure: o => o.Projections.Add(new AsyncChequeLedger(), JasperFx.Events.Projections.ProjectionLifecycle.Async));
        await AsyncChequeLedger.CreateTablesAsync(app.Store.DataSource);
        // Marten's daemon (no daemon of ours is left): the test drives it the way a host with DaemonMode.HotCold would.
        using var daemon = await app.Store.Marten.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        var hood = await Neighbourhood.CreateAsync(app, clock, households: 12);
        var funded = await hood.OpenIdeaAsync(hood.Cheques[0], 600);
        var open = await hood.OpenIdeaAsync(hood.Cheques[1], 3_000);
        for (var i = 2; i < 5; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, funded, hood.Cheques[i], 200)).Ok);
        for (var i = 2; i < 9; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, open, hood.Cheques[i], 150)).Ok);
        await app.Bus.InvokeAsync(new WithdrawPledges(open, hood.Cheques[8]), Neighbourhood.Resident(hood.Cheques[8]));
        Assert.Equal(IdeaState.Funded, (await hood.LoadAsync<Idea>(funded)).State);

        await app.Store.Marten.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        await AssertDaemonAgreesAsync(app);

        // More events after the first catch-up: the close expires the open idea and releases its pledges.
        await app.Bus.InvokeAsync(new CloseProgram(hood.ProgramId), Neighbourhood.Staff(Neighbourhood.Municipality));
        await app.Store.Marten.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        await AssertDaemonAgreesAsync(app);
        await daemon.StopAllAsync();

        var report = await app.Store.VerifyAsync();
        Assert.True(report.Valid, $"broken at seq {report.FirstBrokenSeq}");
        Assert.Equal(await hood.ScalarAsync<long>("select count(*) from mt_events"), report.Events);
        Assert.Equal(await hood.ScalarAsync<long>("select max(seq_id) from mt_events"), report.Checkpoint.Seq);
        await hood.AssertConsistentAsync();
    }

    [Fact]
    public async Task every_read_model_rebuilt_from_the_domain_events_is_what_the_inline_projections_made()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 12);
        var funded = await hood.OpenIdeaAsync(hood.Cheques[0], 600);
        var open = await hood.OpenIdeaAsync(hood.Cheques[1], 3_000);
        await app.Bus.InvokeAsync(new CollectCheque(funded, hood.Cheques[2], CollectorHouseholdId:
            (await hood.LoadAsync<Cheque>(hood.Cheques[0])).HouseholdId), Neighbourhood.Resident(hood.Cheques[0]));
        for (var i = 3; i < 5; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, funded, hood.Cheques[i], 100)).Ok);
        Assert.Equal(IdeaState.Funded, (await hood.LoadAsync<Idea>(funded)).State);
        for (var i = 3; i < 9; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, open, hood.Cheques[i], 150)).Ok);
        await app.Bus.InvokeAsync(new WithdrawPledges(open, hood.Cheques[8]), Neighbourhood.Resident(hood.Cheques[8]));
        await app.Bus.InvokeAsync(new CloseProgram(hood.ProgramId), Neighbourhood.Staff(Neighbourhood.Municipality));

        var tables = new[]
        {
            ("rm_programs", "programs"), ("rm_households", "households"), ("rm_cheques", "cheques"), ("rm_ideas", "ideas"),
            ("rm_pledges", "ideas"), ("rm_expenses", "ideas"),
        };
        var before = new Dictionary<string, List<string>>();
        foreach (var (table, _) in tables) before[table] = await RowsAsync(app, table);
        Assert.NotEmpty(before["rm_pledges"]);

        foreach (var projection in tables.Select(t => t.Item2).Distinct()) await ReadModelRebuild.RebuildAsync(app.Store, [projection]);

        foreach (var (table, _) in tables) Assert.Equal(before[table], await RowsAsync(app, table));
    }

    [Fact]
    public async Task a_rebuild_gives_the_read_model_tables_back_exactly_the_indexes_they_had()
    {
        // ReadModelRebuild drops the non-unique secondary indexes after the TRUNCATE and creates them again from their
        // catalogue definitions after the load: none may be lost, renamed, changed or left invalid.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var hood = await Neighbourhood.CreateAsync(app, clock, households: 6);
        var idea = await hood.OpenIdeaAsync(hood.Cheques[0], 3_000);
        for (var i = 1; i < 4; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, idea, hood.Cheques[i], 100)).Ok);

        var before = await IndexesAsync(app);
        foreach (var index in new[] { "rm_households_program", "rm_cheques_household", "rm_cheques_code_lookup", "rm_cheques_pkey",
                     "rm_ideas_program", "rm_pledges_cheque", "rm_pledges_pkey", "rm_expenses_idea", "rm_topups_payment" })
            Assert.Contains(before, row => row.StartsWith(index + " | "));
        var rows = await RowsAsync(app, "rm_pledges");

        await ReadModelRebuild.RebuildAsync(app.Store, ["ideas"]);
        Assert.Equal(before, await IndexesAsync(app));
        await ReadModelRebuild.RebuildAsync(app.Store);
        Assert.Equal(before, await IndexesAsync(app));
        Assert.Equal(rows, await RowsAsync(app, "rm_pledges"));
    }

    private static async Task<List<string>> IndexesAsync(DomainApp app)
    {
        var rows = new List<string>();
        await using var cmd = app.Store.DataSource.CreateCommand("""
            select x.indexname || ' | ' || x.tablename || ' | ' || x.indexdef || ' | ' || i.indisvalid || ' ' || i.indisready
            from pg_indexes x join pg_index i on i.indexrelid = format('%I.%I', x.schemaname, x.indexname)::regclass
            where x.schemaname = $1 and x.tablename like 'rm\_%' order by 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = app.Store.Schema });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task AssertDaemonAgreesAsync(DomainApp app)
    {
        Assert.Equal(await RowsAsync(app, "rm_cheques", "id, available_cents"), await RowsAsync(app, "t_async_cheques", "id, available_cents"));
        Assert.Equal(await RowsAsync(app, "(select type, count(*) n from mt_events group by type) e", "type, n"),
            await RowsAsync(app, "t_async_event_counts", "type, n"));
        await using var cmd = app.Store.DataSource.CreateCommand(
            "select (select last_seq_id from mt_event_progression where name like 'AsyncChequeLedger%') >= (select max(seq_id) from mt_events)");
        Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
    }

    private static async Task<List<string>> RowsAsync(DomainApp app, string table, string columns = "*")
    {
        var rows = new List<string>();
        await using var cmd = app.Store.DataSource.CreateCommand($"select t::text from (select {columns} from {table}) t order by 1");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}

/// <summary>
/// An async projection over the domain's events, for the daemon to keep: each cheque's available credit (the same
/// figure the inline rm_cheques keeps) and a count of events per type.
/// </summary>
public sealed class AsyncChequeLedger : Marten.Events.Projections.IProjection
{
    public static async Task CreateTablesAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            create table if not exists t_async_cheques (id uuid primary key, available_cents bigint not null);
            create table if not exists t_async_event_counts (type text primary key, n bigint not null);
            """);
        await cmd.ExecuteNonQueryAsync();
    }

    public Task ApplyAsync(Marten.IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        const string Move = "update t_async_cheques set available_cents = available_cents + ? where id = ?";
        foreach (var e in events)
        {
            operations.QueueSqlCommand(
                "insert into t_async_event_counts (type, n) values (?, 1) on conflict (type) do update set n = t_async_event_counts.n + 1",
                e.EventTypeName);
            switch (e.Data)
            {
                case ChequeIssued i: operations.QueueSqlCommand("insert into t_async_cheques (id, available_cents) values (?, ?)", i.ChequeId, i.ValueCents); break;
                case ChequeReissued r: operations.QueueSqlCommand(Move, -r.CarriedCents, r.ChequeId); break;
                case CreditPledged p: operations.QueueSqlCommand(Move, -p.AmountCents, p.ChequeId); break;
                case CreditReleased r: operations.QueueSqlCommand(Move, r.AmountCents, r.ChequeId); break;
                case CreditForwarded f: operations.QueueSqlCommand(Move, -f.AmountCents, f.ChequeId); break;
                case ForwardedCreditReceived f: operations.QueueSqlCommand(Move, f.AmountCents, f.ChequeId); break;
            }
        }
        return Task.CompletedTask;
    }
}
