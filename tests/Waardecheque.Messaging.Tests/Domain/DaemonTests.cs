using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Messaging.Tests.Domain;

public sealed class DaemonTests(DomainFixture db) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task the_async_daemon_follows_the_domain_events_and_the_log_verifies()
    {
        var clock = ManualClock.Now();
        await using var app = await db.StartAppAsync(clock, configure: o => o.Projections.Add(new AsyncChequeLedger(), ProjectionLifecycle.Async));
        await using var daemon = app.Store.CreateDaemon();
        daemon.PollInterval = TimeSpan.FromMilliseconds(200);
        await daemon.StartAsync();

        var hood = await Neighbourhood.CreateAsync(app, clock, households: 12);
        var funded = await hood.OpenIdeaAsync(hood.Cheques[0], 600);
        var open = await hood.OpenIdeaAsync(hood.Cheques[1], 3_000);
        for (var i = 2; i < 5; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, funded, hood.Cheques[i], 200)).Ok);
        for (var i = 2; i < 9; i++) Assert.True((await Neighbourhood.PledgeAsync(app.Bus, open, hood.Cheques[i], 150)).Ok);
        await app.Bus.InvokeAsync(new WithdrawPledges(open, hood.Cheques[8]), Neighbourhood.Resident(hood.Cheques[8]));
        Assert.Equal(IdeaState.Funded, (await hood.LoadAsync<Idea>(funded)).State);

        await daemon.CatchUpAsync();
        await AssertDaemonAgreesAsync(app);

        // More events after the first catch-up: the close expires the open idea and releases its pledges.
        await app.Bus.InvokeAsync(new CloseProgram(hood.ProgramId), Neighbourhood.Staff(Neighbourhood.Municipality));
        await daemon.CatchUpAsync();
        await AssertDaemonAgreesAsync(app);
        await daemon.StopAsync();

        var report = await app.Store.VerifyAsync();
        Assert.True(report.Valid, $"broken at seq {report.FirstBrokenSeq}");
        Assert.Equal(await hood.ScalarAsync<long>("select count(*) from mt_events"), report.Events);
        Assert.Equal(await hood.ScalarAsync<long>("select max(seq_id) from mt_events"), report.Checkpoint.Seq);
        await hood.AssertConsistentAsync();
    }

    [Fact]
    public async Task every_read_model_rebuilt_from_the_domain_events_is_what_the_inline_projections_made()
    {
        var clock = ManualClock.Now();
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

        foreach (var projection in tables.Select(t => t.Item2).Distinct()) await app.Store.RebuildProjectionAsync(projection);

        foreach (var (table, _) in tables) Assert.Equal(before[table], await RowsAsync(app, table));
    }

    private static async Task AssertDaemonAgreesAsync(DomainApp app)
    {
        Assert.Equal(await RowsAsync(app, "rm_cheques", "id, available_cents"), await RowsAsync(app, "t_async_cheques", "id, available_cents"));
        Assert.Equal(await RowsAsync(app, "(select type, count(*) n from mt_events group by type) e", "type, n"),
            await RowsAsync(app, "t_async_event_counts", "type, n"));
        await using var cmd = app.Store.DataSource.CreateCommand(
            "select (select last_seq_id from mt_event_progression where name = 'async_cheque_ledger') >= (select max(seq_id) from mt_events)");
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
public sealed class AsyncChequeLedger : IProjection
{
    public string Name => "async_cheque_ledger";

    public async Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            create table if not exists t_async_cheques (id uuid primary key, available_cents bigint not null);
            create table if not exists t_async_event_counts (type text primary key, n bigint not null);
            """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        void Add(string sql, params object[] args)
        {
            var cmd = new NpgsqlBatchCommand(sql);
            foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
            batch.BatchCommands.Add(cmd);
        }
        const string Move = "update t_async_cheques set available_cents = available_cents + $2 where id = $1";
        foreach (var e in events)
        {
            Add("insert into t_async_event_counts (type, n) values ($1, 1) on conflict (type) do update set n = t_async_event_counts.n + 1",
                e.EventTypeName);
            switch (e.Data)
            {
                case ChequeIssued i: Add("insert into t_async_cheques (id, available_cents) values ($1, $2)", i.ChequeId, i.ValueCents); break;
                case ChequeReissued r: Add(Move, r.ChequeId, -r.CarriedCents); break;
                case CreditPledged p: Add(Move, p.ChequeId, -p.AmountCents); break;
                case CreditReleased r: Add(Move, r.ChequeId, r.AmountCents); break;
                case CreditForwarded f: Add(Move, f.ChequeId, -f.AmountCents); break;
                case ForwardedCreditReceived f: Add(Move, f.ChequeId, f.AmountCents); break;
            }
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("truncate t_async_cheques, t_async_event_counts", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
