using System.Security.Cryptography;
using Waardecheque.ReadModels.Integrity;

namespace Waardecheque.Handlers.Tests.Pipeline;

/// <summary>
/// The hash chain on Marten's events (ported from the old store's IntegrityTests): each test tampers with the log in
/// SQL, in a schema of its own, and the verifier must name the exact event.
/// </summary>
public sealed class IntegrityTests(PipelineFixture db) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task an_untouched_log_verifies_and_its_checkpoint_can_be_recomputed_from_the_stream_heads()
    {
        await using var world = await LogWithJarsAsync("intact");
        var report = await world.Store.VerifyAsync();

        Assert.True(report.Valid);
        Assert.Null(report.FirstBrokenSeq);
        Assert.Equal(3, report.Streams);
        Assert.Equal(9, report.Events);
        Assert.Equal(await world.ScalarAsync<long>("select max(seq_id) from mt_events"), report.Checkpoint.Seq);
        var heads = new List<byte>();
        await using (var cmd = world.Store.DataSource.CreateCommand("select stream_id, version, hash from wc_stream_heads order by stream_id"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                heads.AddRange(r.GetGuid(0).ToByteArray(bigEndian: true));
                heads.AddRange(BitConverter.GetBytes(r.GetInt64(1)).Reverse());
                heads.AddRange(r.GetFieldValue<byte[]>(2));
            }
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(heads.ToArray())), report.Checkpoint.Hash);
    }

    [Fact]
    public async Task the_checkpoint_changes_when_the_log_grows()
    {
        await using var world = await LogWithJarsAsync("growing");
        var before = await world.Store.VerifyAsync();
        var jar = await world.ScalarAsync<Guid>("select stream_id from mt_events order by seq_id limit 1");

        await world.Bus.InvokeAsync(new AddCoins(jar, 1), JarWorld.Staff);
        var after = await world.Store.VerifyAsync();

        Assert.True(after.Valid);
        Assert.Equal(before.Events + 1, after.Events);
        Assert.NotEqual(before.Checkpoint.Hash, after.Checkpoint.Hash);
        // Marten's sequence may skip a number (a rolled-back append draws one too), so the new seq is only larger.
        Assert.Equal(await world.ScalarAsync<long>("select max(seq_id) from mt_events"), after.Checkpoint.Seq);
        Assert.True(after.Checkpoint.Seq > before.Checkpoint.Seq);
    }

    [Fact]
    public async Task rewriting_a_streams_last_event_and_its_hash_is_caught_by_the_stream_head()
    {
        await using var world = await LogWithJarsAsync("head");
        var id = await world.ScalarAsync<Guid>("select stream_id from mt_events where version = 3 order by seq_id desc limit 1");
        var seq3 = await world.ScalarAsync<long>("select seq_id from mt_events where stream_id = $1 and version = 3", id);
        Assert.Equal(3L, await world.ScalarAsync<long>("select version from wc_stream_heads where stream_id = $1", id));   // the last event
        var type = await world.ScalarAsync<string>("select type from mt_events where seq_id = $1", seq3);
        var previous = await world.ScalarAsync<byte[]>("select hash from wc_event_hashes where stream_id = $1 and version = 2", id);

        // The event and its own hash agree and chain onto version 2; only the head still holds the hash that was there.
        await world.ExecuteAsync("""update mt_events set data = '{"cents": 0, "streamId": "x"}' where seq_id = $1""", seq3);
        var body = await world.ScalarAsync<string>("select data::text from mt_events where seq_id = $1", seq3);
        await world.ExecuteAsync("update wc_event_hashes set hash = $2 where seq_id = $1", seq3, EventHash.Compute(id, 3, type, body, previous));
        var report = await world.Store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq3, report.FirstBrokenSeq);
    }

    [Fact]
    public async Task editing_an_events_body_in_sql_is_caught_at_that_event()
    {
        await using var world = await LogWithJarsAsync("edited");
        var seq = await world.ScalarAsync<long>("select seq_id from mt_events where type = 'coins_added' order by seq_id limit 1 offset 1");

        await world.ExecuteAsync("update mt_events set data = jsonb_set(data, '{cents}', '999999') where seq_id = $1", seq);
        var report = await world.Store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq, report.FirstBrokenSeq);
    }

    [Fact]
    public async Task rewriting_an_event_together_with_its_hash_is_caught_at_the_next_link()
    {
        await using var world = await LogWithJarsAsync("rehashed");
        var id = await world.ScalarAsync<Guid>("select stream_id from mt_events where version = 3 order by seq_id limit 1");
        var seq2 = await world.ScalarAsync<long>("select seq_id from mt_events where stream_id = $1 and version = 2", id);
        var seq3 = await world.ScalarAsync<long>("select seq_id from mt_events where stream_id = $1 and version = 3", id);
        var previous = await world.ScalarAsync<byte[]>("select hash from wc_event_hashes where stream_id = $1 and version = 1", id);

        await world.ExecuteAsync("""update mt_events set data = '{"cents": 1, "streamId": "x"}' where seq_id = $1""", seq2);
        var body = await world.ScalarAsync<string>("select data::text from mt_events where seq_id = $1", seq2);
        var forged = EventHash.Compute(id, 2, "coins_added", body, previous);
        await world.ExecuteAsync("update wc_event_hashes set hash = $2 where seq_id = $1", seq2, forged);
        var report = await world.Store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq3, report.FirstBrokenSeq);
    }

    [Fact]
    public async Task a_deleted_event_is_caught_at_the_event_after_it()
    {
        await using var world = await LogWithJarsAsync("deleted");
        var id = await world.ScalarAsync<Guid>("select stream_id from mt_events where version = 3 order by seq_id limit 1");
        var seq3 = await world.ScalarAsync<long>("select seq_id from mt_events where stream_id = $1 and version = 3", id);

        await world.ExecuteAsync("delete from mt_events where stream_id = $1 and version = 2", id);
        var report = await world.Store.VerifyAsync();

        Assert.False(report.Valid);
        Assert.Equal(seq3, report.FirstBrokenSeq);
    }

    private async Task<JarWorld> LogWithJarsAsync(string schema)
    {
        var world = await db.OpenAsync("integrity_" + schema);
        for (var i = 0; i < 3; i++)
        {
            var jar = await world.OpenJarAsync(100 + i);
            await world.Bus.InvokeAsync(new AddCoins(jar, 5), JarWorld.Staff);
        }
        return world;
    }
}
