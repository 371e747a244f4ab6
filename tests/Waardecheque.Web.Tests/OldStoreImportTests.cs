using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.ReadModels;
using Waardecheque.Testing;
using Waardecheque.Web.Composition;
using Waardecheque.Web.Database;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// A database written by the pre-Marten event store is brought forward at start (docs/decisions.md, "The old store's
/// log is imported once"): the log lands in Marten's tables as it was, minus <c>codeHash</c>, with a new chain; the
/// read models are rebuilt; everything outside the event store survives; a second start changes nothing.
/// </summary>
public sealed class OldStoreImportTests
{
    private sealed class OldWorld : ApiWorld;

    /// <summary>The event log as Marten keeps it, row by row: ids, versions, types, bodies, times and metadata.</summary>
    private const string EventsSql = """
        select (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id,
                headers, user_name, is_archived)::text from mt_events order by seq_id
        """;
    private const string StreamsSql = "select (id, type, version, timestamp, created, tenant_id, is_archived)::text from mt_streams where version > 0 order by id";
    private const string ChainSql = """
        select (seq_id, stream_id, version, encode(hash, 'hex'))::text from wc_event_hashes
        union all select (stream_id, version, encode(hash, 'hex'), seq_id)::text from wc_stream_heads order by 1
        """;

    /// <summary>Tables outside the log that must come through as they were (api_idempotency without its fingerprint).</summary>
    // wc_outbox is kept by the import too, and then moved into Wolverine's schedule at start (checked below).
    private static readonly string[] KeptTables = ["staff", "auth_sessions", "data_protection_keys", "failed_attempts", "receipts"];
    private static readonly string[] ReadTables = ["rm_programs", "rm_households", "rm_cheques", "rm_ideas", "rm_pledges", "rm_expenses"];

    [Fact]
    public async Task an_old_store_database_is_imported_at_start_without_a_trace_of_a_code_and_a_second_start_changes_nothing()
    {
        // ---- What a municipality had: a program, households, cheques, one activated and pledging, an idea with pledges.
        var world = new OldWorld();
        await world.InitializeAsync();
        var programId = await world.OpenProgramAsync();
        var a = await world.ResidentAsync(programId, "Rozentuin", 1);
        var b = await world.ResidentAsync(programId, "Rozentuin", 2);
        var c = await world.ResidentAsync(programId, "Rozentuin", 3);
        var ideaId = await world.OpenIdeaAsync(a, ApiWorld.Street("Rozentuin"), 2000);
        await ApiWorld.OkJsonAsync(await world.PledgeAsync(ideaId, b, 500, idempotencyKey: "pledge-b-1"), HttpStatusCode.Created);
        await ApiWorld.OkJsonAsync(await world.PledgeAsync(ideaId, c, 300), HttpStatusCode.Created);
        var unknown = await world.Client.PostAsJsonAsync("/api/v1/resident/sessions", new { code = ApiWorld.CodeOf(Guid.NewGuid()) });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);   // a failed attempt on record
        var connectionString = world.App.ConnectionString;
        await using var db = WaardechequeStore.DataSourceFor(connectionString, "waardecheque");
        await ExecuteAsync(db, """
            insert into receipts (id, content_type, bytes, sha256, file_name, created)
            values (gen_random_uuid(), 'application/pdf', '\x255044462d', sha256('\x255044462d'), 'bon.pdf', now())
            """);

        // The old store scheduled the idea's deadline as a wc_outbox row; this version schedules through Wolverine, so
        // the row an old database holds is written here as the old version wrote it (and this version's envelope goes).
        await ExecuteAsync(db, "delete from wolverine_incoming_envelopes where message_type = 'expire_idea'");
        await ExecuteAsync(db, OldStoreShape.OutboxTableSql);
        await ExecuteAsync(db, $"""
            insert into wc_outbox (id, message_type, body, due_at, actor)
            values (gen_random_uuid(), 'expire_idea', jsonb_build_object('ideaId', '{ideaId}'), now() + interval '30 days', 'staff:{world.ModeratorId}')
            """);
        var idea = await world.GetJsonAsync($"/api/v1/ideas/{ideaId}");
        var audit = await world.GetJsonAsync($"/api/v1/programs/{programId}/audit", world.Auditor);
        Assert.Equal(800, idea.GetProperty("pledgedCents").GetInt64());
        var events = await RowsAsync(db, EventsSql);
        var streams = await RowsAsync(db, StreamsSql);
        var chain = await RowsAsync(db, ChainSql);
        var readModels = await TablesAsync(db, ReadTables);
        var kept = await TablesAsync(db, KeptTables);
        var idempotency = await RowsAsync(db, "select (actor, key, status, content_type, body, created, completed)::text from api_idempotency order by 1");
        Assert.Contains(await RowsAsync(db, "select message_type from wc_outbox"), t => t == "expire_idea");
        Assert.NotEmpty(idempotency);
        await world.App.DisposeAsync();

        // ---- The same data in the old store's shape, written with raw SQL.
        var oldHashes = await OldStoreShape.WriteAsync(db);
        Assert.True(await CountAsync(db, "select count(*) from mt_events where data ? 'codeHash'") >= ApiWorld.StandardHouseholds);
        Assert.Equal(0, await CountAsync(db, "select count(*) from pg_class where relname in ('wc_event_hashes', 'pkey_mt_events_seq_id')"));

        // ---- Two processes of the new version start at once on it.
        var apps = await Task.WhenAll(Task.Run(() => TestApp.StartOn(connectionString)), Task.Run(() => TestApp.StartOn(connectionString)));
        await using var first = apps[0];
        await using var second = apps[1];
        var imports = apps.Select(app => app.Services.GetRequiredService<StoreHolder>().Store.LegacyImport).ToList();
        var import = Assert.Single(imports, i => i is not null)!;
        Assert.Equal(events.Count, import.Events);
        Assert.Equal(streams.Count, import.Streams);
        Assert.Equal(ApiWorld.StandardHouseholds, import.CodeHashesRemoved);

        // Every event as it was before the old shape: same seq, id, stream, version, type, time, metadata, body without
        // codeHash. The chain is the trigger's over those bodies, so exactly the one the app had computed.
        Assert.Equal(events, await RowsAsync(db, EventsSql));
        Assert.Equal(streams, await RowsAsync(db, StreamsSql));
        Assert.Equal(chain, await RowsAsync(db, ChainSql));
        // Read models rebuilt from the log (rm_cheques with its keyed code_lookup again); the rest came through untouched.
        Assert.Equal(readModels, await TablesAsync(db, ReadTables));
        Assert.Equal(kept, await TablesAsync(db, KeptTables));
        // The old outbox's scheduled deadline was moved into Wolverine's schedule (a Scheduled envelope under its stable
        // name) at start, by exactly one of the two processes, before either reported ready; the emptied table is gone.
        Assert.Equal(1, apps.Sum(app => app.Services.GetServices<IStartupTask>().OfType<OldOutboxMove>().Single().Moved));
        Assert.Equal(0, await CountAsync(db, "select count(*) from pg_class where relname = 'wc_outbox'"));
        Assert.Equal(1, await CountAsync(db, "select count(*) from wolverine_incoming_envelopes where status = 'Scheduled' and message_type = 'expire_idea'"));
        Assert.Equal(idempotency, await RowsAsync(db, "select (actor, key, status, content_type, body, created, completed)::text from api_idempotency order by 1"));
        Assert.Equal(0, await CountAsync(db, "select count(*) from api_idempotency where fingerprint <> ''::bytea"));

        // No trace of the old store or of a code anywhere: no column, no legacy table, no value in any text, jsonb or bytea column.
        Assert.Equal(0, await CountAsync(db, """
            select count(*) from information_schema.columns
            where table_schema not in ('pg_catalog', 'information_schema')
              and (column_name = 'code_hash' or (table_name in ('mt_events', 'mt_streams') and column_name in ('hash', 'head_hash')))
            """));
        Assert.Equal(0, await CountAsync(db, "select count(*) from pg_class where relname like 'legacy\\_%' or relname = 'mt_schema_version'"));
        var traces = new List<string> { "codehash", "code_hash" };
        foreach (var id in await GuidsAsync(db, "select id from rm_cheques"))
        {
            var code = ChequeCode.Derive(Encoding.UTF8.GetBytes(ApiWorld.CodeKey), id);
            var sha = SHA256.HashData(Encoding.ASCII.GetBytes(code.Normalised));
            traces.AddRange([code.Normalised, Convert.ToHexString(sha), Convert.ToBase64String(sha)]);
        }
        traces.AddRange(oldHashes.Select(Convert.ToHexString));
        Assert.Empty(await FindAnywhereAsync(db, traces));

        // ---- The app works on the imported log: the chain verifies, codes sign in, old sessions still hold, the books agree.
        var client = first.CreateClient();
        var verify = await (await client.GetAsync("/api/v1/audit/verify", world.Auditor)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.Equal(events.Count, verify.GetProperty("events").GetInt64());
        var after = await ApiWorld.OkJsonAsync(await client.GetAsync($"/api/v1/ideas/{ideaId}"));
        Assert.Equal(idea.ToString(), after.ToString());
        var auditAfter = await ApiWorld.OkJsonAsync(await client.GetAsync($"/api/v1/programs/{programId}/audit", world.Auditor));
        Assert.True(auditAfter.GetProperty("reconciles").GetBoolean());
        Assert.Equal(audit.ToString(), auditAfter.ToString());
        foreach (var number in new[] { 1, 4 })   // an activated cheque and one only issued
        {
            var session = await client.PostAsJsonAsync("/api/v1/resident/sessions", new { code = ApiWorld.CodeFor(programId, "Rozentuin", number) });
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        }
        Assert.Contains(first.Log.Lines.Concat(second.Log.Lines), l => l.Contains("Imported the pre-Marten event log"));

        // New appends continue the log after the imported numbers (Marten's sequence was moved past them), chained onto
        // the imported heads.
        var lastImported = await CountAsync(db, "select max(seq_id) from mt_events");
        var d = await ApiWorld.OkJsonAsync(await client.PostAsJsonAsync("/api/v1/resident/sessions", new { code = ApiWorld.CodeFor(programId, "Rozentuin", 5) }));
        var pledge = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ideas/{ideaId}/pledges") { Content = JsonContent.Create(new { amountCents = 200 }) };
        pledge.Headers.Authorization = new("Bearer", d.GetProperty("token").GetString());
        await ApiWorld.OkJsonAsync(await client.SendAsync(pledge), HttpStatusCode.Created);
        Assert.True(await CountAsync(db, "select count(*) from mt_events where type = 'credit_pledged'") == 3);
        Assert.True(await CountAsync(db, "select max(seq_id) from mt_events") > lastImported);
        verify = await (await client.GetAsync("/api/v1/audit/verify", world.Auditor)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());

        // ---- A later start finds nothing to import and changes nothing.
        var snapshot = (await RowsAsync(db, EventsSql), await RowsAsync(db, ChainSql), await TablesAsync(db, ReadTables));
        await using (var again = TestApp.StartOn(connectionString))
            Assert.Null(again.Services.GetRequiredService<StoreHolder>().Store.LegacyImport);
        Assert.Equal(snapshot.Item1, await RowsAsync(db, EventsSql));
        Assert.Equal(snapshot.Item2, await RowsAsync(db, ChainSql));
        Assert.Equal(snapshot.Item3, await TablesAsync(db, ReadTables));
    }

    [Fact]
    public async Task a_fresh_database_is_left_alone_by_the_import()
    {
        await using var app = TestApp.StartOn(await TestDatabase.CreateDatabaseAsync("fresh-import"));
        var store = app.Services.GetRequiredService<StoreHolder>().Store;
        Assert.Null(store.LegacyImport);
        Assert.Equal(0, await CountAsync(store.DataSource, "select count(*) from mt_events"));
        Assert.Equal(0, await CountAsync(store.DataSource, "select count(*) from pg_class where relname like 'legacy\\_%' or relname = 'mt_schema_version'"));
        Assert.True(await store.IsSchemaCurrentAsync());
    }

    /// <summary>Every (table.column, trace) where a text, json, jsonb or bytea value of any user table contains the trace (case-insensitive).</summary>
    private static async Task<List<string>> FindAnywhereAsync(NpgsqlDataSource db, IReadOnlyList<string> traces)
    {
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (var cmd = db.CreateCommand("""
            select c.table_schema, c.table_name, c.column_name, c.data_type from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema not in ('pg_catalog', 'information_schema')
              and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea')
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        Assert.Contains(columns, c => c.Table == "mt_events" && c.Column == "data");

        var patterns = traces.Select(t => "%" + t + "%").ToArray();
        var found = new List<string>();
        foreach (var (schema, table, column, type) in columns)
        {
            var value = type == "bytea" ? $"encode(\"{column}\", 'hex')" : $"\"{column}\"::text";
            await using var cmd = db.CreateCommand($"select t from unnest($1::text[]) t where exists (select 1 from \"{schema}\".\"{table}\" where {value} ilike t)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = patterns });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) found.Add($"{schema}.{table}.{column}: {r.GetString(0)}");
        }
        return found;
    }

    private static async Task<Dictionary<string, List<string>>> TablesAsync(NpgsqlDataSource db, IEnumerable<string> tables)
    {
        var all = new Dictionary<string, List<string>>();
        foreach (var table in tables) all[table] = await RowsAsync(db, $"select t::text from {table} t order by 1");
        return all;
    }

    private static async Task<List<string>> RowsAsync(NpgsqlDataSource db, string sql)
    {
        var rows = new List<string>();
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }

    private static async Task<List<Guid>> GuidsAsync(NpgsqlDataSource db, string sql)
    {
        var ids = new List<Guid>();
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
