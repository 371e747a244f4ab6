using Npgsql;
using Waardecheque.Testing;

namespace Waardecheque.EventStore.Tests;

public sealed class DaemonTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private DocumentStore Store => db.Store;

    [Fact]
    public async Task the_daemon_never_skips_an_event_whose_transaction_commits_late()
    {
        var early = await db.OpenAccountAsync();
        var late = await db.OpenAccountAsync();
        await Store.CreateDaemon().CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // The later writer takes its transaction id first (the row lock), the held writer draws its number first:
        // so the later event has the lower transaction id but the higher seq_id. A rule based on the writer's own
        // transaction id would pass it; the horizon must not.
        await using var laterSession = Store.LightweightSession();
        var laterStream = await laterSession.Events.FetchForWriting<Account>(late, forUpdate: true);

        var written = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var heldSession = Store.LightweightSession();
        heldSession.Events.Append(early, 1, new MoneyDeposited(early, 1_000));
        heldSession.OnCommit(async (conn, tx, ct) =>
        {
            await using var cmd = new NpgsqlCommand("select seq_id from mt_events where stream_id = $1 and version = 2", conn, tx);
            cmd.Parameters.Add(new() { Value = early });
            written.SetResult((long)(await cmd.ExecuteScalarAsync(ct))!);
            await release.Task;
        });
        var held = heldSession.SaveChangesAsync();
        var heldSeq = await written.Task;

        laterStream.AppendOne(new MoneyDeposited(late, 7));
        await laterSession.SaveChangesAsync();
        var laterSeq = await db.ScalarAsync<long>("select seq_id from mt_events where stream_id = $1 and version = 2", late);
        Assert.True(laterSeq > heldSeq);

        await using var daemon = Store.CreateDaemon();
        await daemon.StartAsync();
        await Task.Delay(1_000);
        // Held back: the daemon has not moved past the gap, and so has not applied the later event either.
        Assert.True(await db.ScalarAsync<long>("select last_seq_id from mt_event_progression where name = 'async_totals'") < heldSeq);
        Assert.Equal(0L, await db.ScalarAsync<long>("select balance_cents from async_totals where stream_id = $1", late));

        release.SetResult();
        await held;
        await daemon.CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1_000L, await db.ScalarAsync<long>("select balance_cents from async_totals where stream_id = $1", early));
        Assert.Equal(7L, await db.ScalarAsync<long>("select balance_cents from async_totals where stream_id = $1", late));
        Assert.Equal(await db.RowsAsync("inline_totals"), await db.RowsAsync("async_totals"));
    }

    [Fact]
    public async Task a_transaction_left_open_in_another_database_does_not_hold_the_daemon_back()
    {
        var other = await TestDatabase.CreateDatabaseAsync("otherdb");
        await using var stranger = new NpgsqlConnection(other);
        await stranger.OpenAsync();
        await using var open = await stranger.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("select pg_current_xact_id()", stranger, open)) await cmd.ExecuteScalarAsync();

        var id = await db.OpenAccountAsync(77);
        await Store.CreateDaemon().CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Store.RebuildProjectionAsync("async_totals").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(77L, await db.ScalarAsync<long>("select balance_cents from async_totals where stream_id = $1", id));
    }

    [Fact]
    public async Task an_async_projection_and_its_rebuilds_equal_the_inline_one()
    {
        var accounts = new List<Guid>();
        for (var i = 0; i < 20; i++) accounts.Add(await db.OpenAccountAsync(100 * i));
        await Task.WhenAll(accounts.Select(async (id, i) =>
        {
            await using var session = Store.LightweightSession();
            session.Events.Append(id, new MoneyWithdrawn(id, i), new MoneyDeposited(id, 3));
            await session.SaveChangesAsync();
        }));

        var daemon = Store.CreateDaemon();
        await daemon.CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var inline = await db.RowsAsync("inline_totals");
        Assert.Equal(inline, await db.RowsAsync("async_totals"));

        await daemon.RebuildAsync("async_totals").WaitAsync(TimeSpan.FromSeconds(60));
        await daemon.CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(inline, await db.RowsAsync("async_totals"));

        await db.ExecuteAsync("update inline_totals set balance_cents = -1");
        await Store.RebuildProjectionAsync("inline_totals");
        Assert.Equal(inline, await db.RowsAsync("inline_totals"));
    }

    [Fact]
    public async Task two_daemons_like_two_app_processes_apply_every_event_exactly_once()
    {
        var daemonA = Store.CreateDaemon();
        var daemonB = Store.CreateDaemon();
        await daemonA.StartAsync();
        await daemonB.StartAsync();
        try
        {
            var accounts = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => db.OpenAccountAsync(250)));
            await Task.WhenAll(accounts.Select(async id =>
            {
                await using var session = Store.LightweightSession();
                session.Events.Append(id, 2, new MoneyDeposited(id, 50));
                await session.SaveChangesAsync();
            }));

            await daemonA.CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await daemonB.CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(await db.RowsAsync("inline_totals"), await db.RowsAsync("async_totals"));
            foreach (var id in accounts)
                Assert.Equal(300L, await db.ScalarAsync<long>("select balance_cents from async_totals where stream_id = $1", id));
        }
        finally
        {
            await daemonA.StopAsync();
            await daemonB.StopAsync();
        }
    }

    [Fact]
    public async Task a_waiting_daemon_is_woken_by_the_commit_notification()
    {
        await using var daemon = Store.CreateDaemon();
        // It would not look again on its own within this test's lifetime: only the NOTIFY can wake it.
        daemon.PollInterval = TimeSpan.FromMinutes(10);
        await daemon.CatchUpAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await daemon.StartAsync();
        await Task.Delay(500);  // let the worker finish its first look and start waiting

        var id = await db.OpenAccountAsync(123);

        long balance = -1;
        for (var tries = 0; tries < 400 && balance != 123; tries++)
        {
            await Task.Delay(50);
            balance = await db.ScalarAsync<long>("select coalesce((select balance_cents from async_totals where stream_id = $1), -1)", id);
        }
        Assert.Equal(123L, balance);
    }
}
