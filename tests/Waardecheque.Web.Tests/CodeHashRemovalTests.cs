using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.EventStore;
using Waardecheque.Web.Domain;
using Waardecheque.Web.Tests.Api;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// A database from before the keyed lookup (cheque_issued bodies with <c>codeHash</c>, chains over them, rm_cheques
/// with <c>code_hash</c>) is moved forward by the one-off start-up migration: no trace of a code is left, the log
/// verifies, and residents sign in with the codes on their letters as before.
/// </summary>
public sealed class CodeHashRemovalTests
{
    private sealed class OldWorld : ApiWorld;

    [Fact]
    public async Task a_database_in_the_old_shape_is_migrated_at_start_and_every_code_still_signs_in()
    {
        var world = new OldWorld();
        await world.InitializeAsync();
        var programId = await world.OpenProgramAsync();
        await world.ResidentAsync(programId, "Kruidentuin", 1);   // an activated cheque: its chain has two events
        var activated = ApiWorld.ChequeOf(programId, "Kruidentuin", 1);
        var issued = ApiWorld.ChequeOf(programId, "Kruidentuin", 2);
        var db = world.App.Services.GetRequiredService<StoreHolder>().Store.DataSource;
        var original = await HashesAsync(db);

        await WriteOldShapeAsync(db);
        var oldShape = await HashesAsync(db);
        Assert.True(await CountAsync(db, "select count(*) from mt_events where data ? 'codeHash'") > 2);
        Assert.True((await world.GetJsonAsync("/api/v1/audit/verify", world.Auditor)).GetProperty("valid").GetBoolean());  // the fixture is a valid old log
        await world.App.DisposeAsync();

        await using var app = new TestApp(world.App.ConnectionString);
        var client = app.CreateClient();
        var admin = await client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        db = app.Services.GetRequiredService<StoreHolder>().Store.DataSource;

        Assert.Equal(0, await CountAsync(db, "select count(*) from mt_events where data::text like '%codeHash%'"));
        Assert.Equal(0, await CountAsync(db, "select count(*) from information_schema.columns where table_schema = current_schema() and column_name = 'code_hash'"));
        var verify = await (await client.GetAsync("/api/v1/audit/verify", admin)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(verify.GetProperty("valid").GetBoolean());
        // The bodies are what they were before the old shape was written, so the chains are again exactly the originals,
        // and none of the hashes over bodies with a code hash is left.
        Assert.Equal(original, await HashesAsync(db));
        Assert.Empty((await HashesAsync(db)).Values.Intersect(oldShape.Values.Except(original.Values)));
        foreach (var id in new[] { activated, issued })
        {
            var session = await client.PostAsJsonAsync("/api/v1/resident/sessions", new { code = ApiWorld.CodeOf(id) });
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            var body = await (await client.GetAsync($"/api/v1/streams/{id}/events", admin)).Content.ReadAsStringAsync();
            foreach (var trace in CodeLookupTests.TracesOf(ChequeCode.Derive(Encoding.UTF8.GetBytes(ApiWorld.CodeKey), id)))
                Assert.DoesNotContain(trace, body, StringComparison.OrdinalIgnoreCase);
        }

        // Once is enough: a later start finds nothing to do and changes nothing.
        var before = await HashesAsync(db);
        await using (var again = new TestApp(world.App.ConnectionString)) _ = again.Server;
        Assert.Equal(before, await HashesAsync(db));
    }

    /// <summary>What the app wrote before this change: SHA-256 hex of the code in rm_cheques and in every cheque_issued body, chains over those bodies.</summary>
    private static async Task WriteOldShapeAsync(NpgsqlDataSource db)
    {
        var key = Encoding.UTF8.GetBytes(ApiWorld.CodeKey);
        static string OldHash(ChequeCode code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(code.Normalised)));

        var ids = new List<Guid>();
        await using (var read = db.CreateCommand("select id from rm_cheques"))
        await using (var r = await read.ExecuteReaderAsync())
            while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        var hashes = ids.Select(id => OldHash(ChequeCode.Derive(key, id))).ToArray();

        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await ExecuteAsync(conn, tx, """
            drop index rm_cheques_code_lookup;
            alter table rm_cheques drop column code_lookup;
            alter table rm_cheques add column code_hash text;
            """);
        await ExecuteAsync(conn, tx, "update rm_cheques c set code_hash = x.h from unnest($1::uuid[], $2::text[]) as x(id, h) where c.id = x.id",
            ids.ToArray(), hashes);
        await ExecuteAsync(conn, tx, """
            alter table rm_cheques alter column code_hash set not null;
            alter table rm_cheques add constraint rm_cheques_code_hash_key unique (code_hash);
            """);
        await ExecuteAsync(conn, tx, """
            update mt_events e set data = e.data || jsonb_build_object('codeHash', x.h)
            from unnest($1::uuid[], $2::text[]) as x(id, h) where e.stream_id = x.id and e.type = 'cheque_issued'
            """, ids.ToArray(), hashes);

        // The chains as the old app computed them, over the bodies with codeHash (written out here, not by the code under test).
        var events = new List<(long Seq, Guid Stream, long Version, string Type, string Data)>();
        await using (var read = new NpgsqlCommand("select seq_id, stream_id, version, type, data::text from mt_events order by stream_id, version", conn, tx))
        await using (var r = await read.ExecuteReaderAsync())
            while (await r.ReadAsync()) events.Add((r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetString(4)));
        var heads = new Dictionary<Guid, byte[]>();
        foreach (var e in events)
        {
            var hash = EventHash.Compute(e.Stream, e.Version, e.Type, Encoding.UTF8.GetBytes(e.Data), heads.GetValueOrDefault(e.Stream, EventHash.Genesis));
            heads[e.Stream] = hash;
            await ExecuteAsync(conn, tx, "update mt_events set hash = $2 where seq_id = $1", e.Seq, hash);
        }
        foreach (var (stream, head) in heads) await ExecuteAsync(conn, tx, "update mt_streams set head_hash = $2 where id = $1", stream, head);
        await tx.CommitAsync();
    }

    private static async Task<Dictionary<long, string>> HashesAsync(NpgsqlDataSource db)
    {
        var all = new Dictionary<long, string>();
        await using var cmd = db.CreateCommand("select seq_id, hash from mt_events union all select -row_number() over (order by id), head_hash from mt_streams");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) all[r.GetInt64(0)] = Convert.ToHexString(r.GetFieldValue<byte[]>(1));
        return all;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        await cmd.ExecuteNonQueryAsync();
    }
}
