using System.Security.Cryptography;

namespace Waardecheque.EventStore.Tests;

/// <summary>Each test tampers with the log, so each gets a schema of its own in the class database.</summary>
public sealed class IntegrityTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task an_untouched_log_verifies_and_its_checkpoint_can_be_recomputed_from_the_stream_heads()
    {
        await using var store = await LogWithAccounts("intact");

        var report = await store.VerifyAsync();

        Assert.True(report.Valid);
        Assert.Null(report.FirstBrokenSeq);
        Assert.Equal(3, report.Streams);
        Assert.Equal(3 + 3 * 2, report.Events);
        Assert.Equal(await Scalar<long>(store, "select max(seq_id) from mt_events"), report.Checkpoint.Seq);
        // Anyone can recompute the published value from mt_streams alone, in PostgreSQL's uuid order.
        var heads = new List<byte>();
        await using (var cmd = store.DataSource.CreateCommand("select id, version, head_hash from mt_streams order by id"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                heads.AddRange(r.GetGuid(0).ToByteArray(bigEndian: true));
                heads.AddRange(BitConverter.GetBytes(r.GetInt64(1)).Reverse());
                heads.AddRange(r.GetFieldValue<byte[]>(2));
            }
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(heads.ToArray())), report.Checkpoint.Hash);
        Assert.Equal(report.Checkpoint.Hash, (await store.VerifyAsync()).Checkpoint.Hash);
    }

    [Fact]
    public async Task the_checkpoint_changes_when_the_log_grows()
    {
        await using var store = await LogWithAccounts("growing");
        var before = await store.VerifyAsync();

        var id = (await AccountIds(store))[0];
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(id, new MoneyDeposited(id, 1));
            await session.SaveChangesAsync();
        }
        var after = await store.VerifyAsync();

        Assert.True(after.Valid);
        Assert.NotEqual(before.Checkpoint.Hash, after.Checkpoint.Hash);
        Assert.Equal(before.Checkpoint.Seq + 1, after.Checkpoint.Seq);
    }

    [Fact]
    public async Task editing_an_events_body_in_sql_is_caught_at_that_event()
    {
        await using var store = await LogWithAccounts("edited");
        var seq = await Scalar<long>(store, "select seq_id from mt_events where type = 'money_deposited' order by seq_id limit 1 offset 1");

        await Execute(store, "update mt_events set data = jsonb_set(data, '{amountCents}', '999999') where seq_id = $1", seq);
        var report = await store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq, report.FirstBrokenSeq);
        Assert.Equal(9, report.Events);
    }

    [Fact]
    public async Task rewriting_an_event_together_with_its_hash_is_caught_at_the_next_link()
    {
        await using var store = await LogWithAccounts("rehashed");
        var id = (await AccountIds(store))[1];
        var seq2 = await Scalar<long>(store, "select seq_id from mt_events where stream_id = $1 and version = 2", id);
        var seq3 = await Scalar<long>(store, "select seq_id from mt_events where stream_id = $1 and version = 3", id);
        var previous = await Scalar<byte[]>(store, "select hash from mt_events where stream_id = $1 and version = 1", id);
        var forged = EventHash.Compute(id, 2, "money_deposited", """{"accountId":"x","amountCents":1}"""u8, previous);

        await Execute(store, """update mt_events set data = '{"accountId":"x","amountCents":1}', hash = $2 where seq_id = $1""", seq2, forged);
        var report = await store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq3, report.FirstBrokenSeq);
        Assert.True(seq3 > seq2);
    }

    [Fact]
    public async Task rewriting_a_streams_last_event_and_hash_is_caught_by_the_stream_head()
    {
        await using var store = await LogWithAccounts("head");
        var id = (await AccountIds(store))[2];
        var seq3 = await Scalar<long>(store, "select seq_id from mt_events where stream_id = $1 and version = 3", id);
        var previous = await Scalar<byte[]>(store, "select hash from mt_events where stream_id = $1 and version = 2", id);
        var forged = EventHash.Compute(id, 3, "money_withdrawn", """{"amountCents":0}"""u8, previous);

        await Execute(store, """update mt_events set data = '{"amountCents":0}', hash = $2 where seq_id = $1""", seq3, forged);
        var report = await store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq3, report.FirstBrokenSeq);
    }

    [Fact]
    public async Task a_deleted_event_is_caught_at_the_event_after_it()
    {
        await using var store = await LogWithAccounts("deleted");
        var id = (await AccountIds(store))[0];
        var seq3 = await Scalar<long>(store, "select seq_id from mt_events where stream_id = $1 and version = 3", id);

        await Execute(store, "delete from mt_events where stream_id = $1 and version = 2", id);
        var report = await store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq3, report.FirstBrokenSeq);
    }

    private async Task<DocumentStore> LogWithAccounts(string schema)
    {
        var store = await DocumentStore.CreateAsync(StoreFixture.Options(db.ConnectionString, schema));
        for (var i = 0; i < 3; i++)
        {
            var id = Guid.NewGuid();
            await using var session = store.LightweightSession();
            session.Events.StartStream<Account>(id, new AccountOpened(id, $"owner {i}"), new MoneyDeposited(id, 100 + i));
            session.Events.Append(id, 2, new MoneyWithdrawn(id, 5));
            await session.SaveChangesAsync();
        }
        return store;
    }

    private static async Task<List<Guid>> AccountIds(DocumentStore store)
    {
        var ids = new List<Guid>();
        await using var cmd = store.DataSource.CreateCommand("select id from mt_streams order by created, id");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids;
    }

    private static async Task<T> Scalar<T>(DocumentStore store, string sql, params object[] args)
    {
        await using var cmd = store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = arg });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task Execute(DocumentStore store, string sql, params object[] args)
    {
        await using var cmd = store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = arg });
        await cmd.ExecuteNonQueryAsync();
    }
}
