using System.Text.Json;

namespace Waardecheque.EventStore.Tests;

public sealed class MetadataTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task metadata_set_on_a_session_reads_back_from_the_log_as_the_inline_projection_saw_it()
    {
        var capture = new Capture();
        var options = StoreFixture.Options(db.ConnectionString, "metadata");
        options.Projections.Add(capture, ProjectionLifecycle.Inline);
        await using var store = await DocumentStore.CreateAsync(options);
        var id = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await using (var session = store.LightweightSession())
        {
            session.CorrelationId = "req-42";
            session.CausationId = "cmd-7";
            session.LastModifiedBy = "staff:3f2c";
            session.SetHeader("ip", "192.0.2.1");
            session.SetHeader("attempt", 2);
            session.SetHeader("onBehalf", true);
            session.SetHeader("amount", 12.5m);
            session.Events.StartStream<Account>(id, new AccountOpened(id, "Fatima", AccountKind.Program), new MoneyDeposited(id, 2500, "€ & <ok>"));
            await session.SaveChangesAsync();
        }

        await using var reader = store.LightweightSession();
        var events = await reader.Events.FetchStreamAsync(id);
        Assert.Equal(2, events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var seen = capture.Events[i];
            Assert.Equal(seen.Id, e.Id);
            Assert.Equal(7, e.Id.Version);
            Assert.Equal(seen.Sequence, e.Sequence);
            Assert.Equal(id, e.StreamId);
            Assert.Equal(i + 1, e.Version);
            Assert.Equal(seen.Data, e.Data);
            Assert.Equal(seen.EventTypeName, e.EventTypeName);
            Assert.Equal(seen.Timestamp, e.Timestamp);
            Assert.InRange(e.Timestamp, before, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Equal("req-42", e.CorrelationId);
            Assert.Equal("cmd-7", e.CausationId);
            Assert.Equal("staff:3f2c", e.UserName);
            Assert.Equal(seen.Headers, e.Headers);
            Assert.Equal(seen.Hash, e.Hash);
            Assert.Equal(32, e.Hash.Length);
        }
        Assert.Equal(new AccountOpened(id, "Fatima", AccountKind.Program), events[0].Data);
        Assert.Equal(typeof(MoneyDeposited), events[1].EventType);
        Assert.Equal("money_deposited", events[1].EventTypeName);
        Assert.True(events[1].Sequence > events[0].Sequence);
        Assert.Equal("192.0.2.1", events[0].Headers["ip"]);
        Assert.Equal(2L, events[0].Headers["attempt"]);
        Assert.Equal(true, events[0].Headers["onBehalf"]);
        Assert.Equal(12.5m, events[0].Headers["amount"]);
    }

    [Fact]
    public async Task bodies_are_camel_case_json_with_enums_as_strings_and_the_alias_as_type()
    {
        var id = Guid.NewGuid();
        await using (var session = db.Store.LightweightSession())
        {
            session.Events.StartStream<Account>(id, new AccountOpened(id, "Jan", AccountKind.Program));
            await session.SaveChangesAsync();
        }

        var json = await db.ScalarAsync<string>("select data::text from mt_events where stream_id = $1", id);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("Program", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Jan", doc.RootElement.GetProperty("owner").GetString());
        Assert.Equal("account_opened", await db.ScalarAsync<string>("select type from mt_events where stream_id = $1", id));
        Assert.Equal(DBNull.Value, await db.ScalarAsync<object>("select coalesce(headers, null) from mt_events where stream_id = $1", id));
    }

    [Fact]
    public async Task read_all_returns_events_in_sequence_order_after_a_position()
    {
        var first = await db.OpenAccountAsync(100);
        var start = await db.ScalarAsync<long>("select max(seq_id) from mt_events") - 2;
        var second = await db.OpenAccountAsync(200);

        var events = await db.Store.ReadAllAsync(start, 3);

        Assert.Equal(3, events.Count);
        Assert.Equal([first, first, second], events.Select(e => e.StreamId));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
        Assert.Equal(start + 1, events[0].Sequence);
    }

    private sealed class Capture : IProjection
    {
        public List<IEvent> Events { get; } = [];
        public string Name => "capture";
        public Task EnsureSchemaAsync(Npgsql.NpgsqlConnection conn, CancellationToken ct) => Task.CompletedTask;
        public Task ResetAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, CancellationToken ct) => Task.CompletedTask;

        public Task ApplyAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
        {
            Events.AddRange(events);
            return Task.CompletedTask;
        }
    }
}
