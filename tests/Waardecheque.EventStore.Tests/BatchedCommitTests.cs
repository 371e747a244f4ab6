using Npgsql;

namespace Waardecheque.EventStore.Tests;

/// <summary>
/// The round-trip savers a command uses: several streams fetched in one round trip (some locked), statements and
/// checks sent with the append, inline projections whose statements travel with it, and the optimistic session that
/// does not queue behind another writer.
/// </summary>
public sealed class BatchedCommitTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private DocumentStore Store => db.Store;

    [Fact]
    public async Task fetching_many_streams_folds_each_and_checks_each_version_at_commit()
    {
        var rich = await db.OpenAccountAsync(500);
        var poor = await db.OpenAccountAsync();
        var missing = Guid.NewGuid();

        await using var session = Store.LightweightSession();
        var streams = await session.Events.FetchForWritingMany(
            [new StreamFetch(typeof(Account), rich), new StreamFetch(typeof(Account), missing), new StreamFetch(typeof(Account), poor)]);

        Assert.Equal([rich, missing, poor], streams.Select(s => s.Id));
        var (a, none, b) = ((IEventStream<Account>)streams[0], streams[1], (IEventStream<Account>)streams[2]);
        Assert.Equal((500L, 2L), (a.Aggregate!.BalanceCents, a.StartingVersion));
        Assert.Equal((0L, 1L), (b.Aggregate!.BalanceCents, b.StartingVersion));
        Assert.Null(none.Aggregate);
        Assert.Equal(0, none.StartingVersion);

        // Someone else moves one of them in between: the whole session is refused, the other stream included.
        await using (var other = Store.LightweightSession())
        {
            other.Events.Append(poor, 1, new MoneyDeposited(poor, 1));
            await other.SaveChangesAsync();
        }
        a.AppendOne(new MoneyWithdrawn(rich, 100));
        b.AppendOne(new MoneyDeposited(poor, 100));
        var clash = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(poor, clash.StreamId);
        Assert.Equal(500L, (await FetchAsync(rich)).BalanceCents);
        Assert.Equal(1L, (await FetchAsync(poor)).BalanceCents);
    }

    [Fact]
    public async Task fetching_many_locks_only_the_streams_marked_for_update_and_holds_them_until_commit()
    {
        var locked = await db.OpenAccountAsync(10);
        var free = await db.OpenAccountAsync(10);

        await using var session = Store.LightweightSession();
        var streams = await session.Events.FetchForWritingMany(
            [new StreamFetch(typeof(Account), free), new StreamFetch(typeof(Account), locked, ForUpdate: true)]);
        Assert.Equal(10L, ((Account)streams[1].Aggregate!).BalanceCents);

        Assert.Equal(PostgresErrorCodes.LockNotAvailable, await TryLockAsync(locked));
        Assert.Null(await TryLockAsync(free));
        streams[1].AppendOne(new MoneyDeposited(locked, 5));
        await session.SaveChangesAsync();
        Assert.Null(await TryLockAsync(locked));
        Assert.Equal(15L, (await FetchAsync(locked)).BalanceCents);
    }

    [Fact]
    public async Task a_statement_sent_with_the_append_commits_with_it_and_its_check_can_refuse_the_whole_commit()
    {
        await db.ExecuteAsync("create table if not exists commit_notes (stream_id uuid primary key, note text not null)");
        var kept = await db.OpenAccountAsync();
        await using (var session = Store.LightweightSession())
        {
            session.Events.Append(kept, 1, new MoneyDeposited(kept, 7));
            session.OnCommit(Note(kept, "kept"), async (reader, ct) => Assert.True(await reader.ReadAsync(ct)));
            await session.SaveChangesAsync();
        }
        Assert.Equal("kept", await db.ScalarAsync<string>("select note from commit_notes where stream_id = $1", kept));

        var refused = await db.OpenAccountAsync();
        await using (var session = Store.LightweightSession())
        {
            session.Events.Append(refused, 1, new MoneyDeposited(refused, 7));
            session.OnCommit(Note(refused, "refused"), (_, _) => throw new ConcurrencyException(refused, 1, 2));
            await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        }
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from commit_notes where stream_id = $1", refused));
        Assert.Equal(0L, (await FetchAsync(refused)).BalanceCents);
    }

    [Fact]
    public async Task when_the_append_clashes_the_statements_sent_with_it_are_rolled_back_and_the_clash_is_reported()
    {
        await db.ExecuteAsync("create table if not exists commit_notes (stream_id uuid primary key, note text not null)");
        var id = await db.OpenAccountAsync();
        var before = await db.ScalarAsync<long>("select last_value from mt_events_sequence");
        await using var session = Store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Account>(id);
        await using (var other = Store.LightweightSession())
        {
            other.Events.Append(id, 1, new MoneyDeposited(id, 1));
            await other.SaveChangesAsync();
        }
        stream.AppendOne(new MoneyDeposited(id, 100));
        // The check would fail too, but on a write that did not happen: the clash is what the caller must hear.
        session.OnCommit(Note(id, "lost"), (_, _) => throw new InvalidOperationException("not this one"));

        var clash = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        Assert.Equal(id, clash.StreamId);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from commit_notes where stream_id = $1", id));
        Assert.Equal(before + 1, await db.ScalarAsync<long>("select last_value from mt_events_sequence"));
    }

    [Fact]
    public async Task an_inline_statement_projection_writes_with_the_append_and_rolls_back_with_a_clash()
    {
        var options = StoreFixture.Options(db.ConnectionString, "statements");
        options.Projections.Add(new BalanceStatements(), ProjectionLifecycle.Inline);
        await using var store = await DocumentStore.CreateAsync(options);
        var id = Guid.NewGuid();
        await using (var open = store.LightweightSession())
        {
            open.Events.StartStream<Account>(id, new AccountOpened(id, "test"), new MoneyDeposited(id, 40));
            await open.SaveChangesAsync();
        }

        await using var first = store.LightweightSession();
        await using var second = store.LightweightSession();
        (await first.Events.FetchForWriting<Account>(id)).AppendOne(new MoneyDeposited(id, 2));
        (await second.Events.FetchForWriting<Account>(id)).AppendOne(new MoneyDeposited(id, 300));
        await first.SaveChangesAsync();
        await Assert.ThrowsAsync<ConcurrencyException>(() => second.SaveChangesAsync());

        await using var cmd = store.DataSource.CreateCommand("select balance_cents from statement_balances where stream_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        Assert.Equal(42L, (long)(await cmd.ExecuteScalarAsync())!);
        // The projection that needs sequence numbers (inline_totals) was applied after the append, as before.
        await using var totals = store.DataSource.CreateCommand("select balance_cents from inline_totals where stream_id = $1");
        totals.Parameters.Add(new NpgsqlParameter { Value = id });
        Assert.Equal(42L, (long)(await totals.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task a_session_that_does_not_wait_for_locked_streams_clashes_at_once_and_writes_nothing()
    {
        var id = await db.OpenAccountAsync();
        var free = await db.OpenAccountAsync();
        var before = await db.ScalarAsync<long>("select last_value from mt_events_sequence");
        await using var holder = Store.LightweightSession();
        await holder.Events.FetchForWriting<Account>(id, forUpdate: true);

        // Known heads (one round trip: the skip-locked lock, then the write that touches only rows it holds) ...
        await using (var session = Store.LightweightSession())
        {
            session.WaitForLockedStreams = false;
            (await session.Events.FetchForWriting<Account>(free)).AppendOne(new MoneyDeposited(free, 5));
            (await session.Events.FetchForWriting<Account>(id)).AppendOne(new MoneyDeposited(id, 5));
            var clash = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(id, clash.StreamId);
        }
        // ... and unknown ones (an append without a fetch reads the heads first).
        await using (var session = Store.LightweightSession())
        {
            session.WaitForLockedStreams = false;
            session.Events.Append(id, new MoneyDeposited(id, 5));
            await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        await holder.SaveChangesAsync();
        Assert.Equal(1, (await FetchAsync(id)).Version);
        Assert.Equal(0L, (await FetchAsync(free)).BalanceCents);
        Assert.Equal(before, await db.ScalarAsync<long>("select last_value from mt_events_sequence"));
        // Free again: the same session shape goes through.
        await using (var session = Store.LightweightSession())
        {
            session.WaitForLockedStreams = false;
            (await session.Events.FetchForWriting<Account>(id)).AppendOne(new MoneyDeposited(id, 5));
            await session.SaveChangesAsync();
        }
        Assert.Equal(5L, (await FetchAsync(id)).BalanceCents);
    }

    private static NpgsqlBatchCommand Note(Guid id, string text)
    {
        var cmd = new NpgsqlBatchCommand("insert into commit_notes (stream_id, note) values ($1, $2) returning stream_id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = text });
        return cmd;
    }

    /// <summary>The lock another session would meet: null when free, else the error code.</summary>
    private async Task<string?> TryLockAsync(Guid id)
    {
        await using var conn = await Store.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("select id from mt_streams where id = $1 for update nowait", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        try
        {
            await cmd.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    private async Task<Account> FetchAsync(Guid id)
    {
        await using var session = Store.LightweightSession();
        return (await session.Events.FetchLatest<Account>(id))!;
    }

    /// <summary>A balance per stream kept by statements sent with the append (no sequence numbers needed).</summary>
    private sealed class BalanceStatements : IStatementProjection
    {
        public string Name => "statement_balances";

        public async Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(
                "create table if not exists statement_balances (stream_id uuid primary key, balance_cents bigint not null)", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
        {
            await using var batch = new NpgsqlBatch(conn, tx);
            TryAddStatements(events, batch.BatchCommands);
            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
        }

        public bool TryAddStatements(IReadOnlyList<IEvent> events, ICollection<NpgsqlBatchCommand> statements)
        {
            foreach (var e in events)
            {
                var delta = e.Data switch { MoneyDeposited d => d.AmountCents, MoneyWithdrawn w => -w.AmountCents, _ => 0 };
                var cmd = new NpgsqlBatchCommand("""
                    insert into statement_balances (stream_id, balance_cents) values ($1, $2)
                    on conflict (stream_id) do update set balance_cents = statement_balances.balance_cents + excluded.balance_cents
                    """);
                cmd.Parameters.Add(new NpgsqlParameter { Value = e.StreamId });
                cmd.Parameters.Add(new NpgsqlParameter { Value = delta });
                statements.Add(cmd);
            }
            return true;
        }

        public async Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand("truncate statement_balances", conn, tx);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
