namespace Waardecheque.EventStore.Tests;

/// <summary>Several projections rebuilt in one transaction from one read of the log.</summary>
public sealed class RebuildManyTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task inline_projections_rebuilt_together_in_one_pass_come_back_as_they_were()
    {
        var options = StoreFixture.Options(db.ConnectionString, "rebuild_many");
        options.Projections.Add(new StreamTotals("second_totals"), ProjectionLifecycle.Inline);
        await using var store = await DocumentStore.CreateAsync(options);
        for (var i = 0; i < 30; i++)
        {
            var id = Guid.NewGuid();
            await using var session = store.LightweightSession();
            session.Events.StartStream<Account>(id, new AccountOpened(id, "test"), new MoneyDeposited(id, 10 * i));
            if (i % 3 == 0) session.Events.Append(id, 2, new MoneyWithdrawn(id, 1));
            await session.SaveChangesAsync();
        }
        var first = await RowsAsync(store, "inline_totals");
        var second = await RowsAsync(store, "second_totals");
        Assert.Equal(30, first.Count);
        Assert.Equal(first, second);

        await Execute(store, "update inline_totals set balance_cents = -1; delete from second_totals where events = 2");
        await store.RebuildProjectionsAsync(["inline_totals", "second_totals"]);

        Assert.Equal(first, await RowsAsync(store, "inline_totals"));
        Assert.Equal(first, await RowsAsync(store, "second_totals"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RebuildProjectionsAsync(["inline_totals", "async_totals"]));
    }

    private static async Task<List<string>> RowsAsync(DocumentStore store, string table)
    {
        var rows = new List<string>();
        await using var cmd = store.DataSource.CreateCommand($"select (stream_id, events, last_version, last_seq, balance_cents)::text from {table} order by 1");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }

    private static async Task Execute(DocumentStore store, string sql)
    {
        await using var cmd = store.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
