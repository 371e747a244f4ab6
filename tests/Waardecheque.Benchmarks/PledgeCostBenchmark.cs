using System.Globalization;
using Npgsql;
using Waardecheque.Domain.Ideas;

namespace Waardecheque.Benchmarks;

/// <summary>
/// `pledge-cost`: what ONE pledge costs the database, in measures that do not depend on the machine's load
/// (docs/benchmarks.md, "Per-pledge cost"): statements (pg_stat_statements, nested ones included, so trigger and
/// procedure bodies show), Npgsql operations and COMMITs (round trips), rows and index entries written, WAL records and
/// bytes (pg_stat_wal), trigger/function calls, and CPU of this process and of PostgreSQL per pledge. The set-up is the
/// pledges benchmark's (8,000 households, 1,000 open ideas); then N pledges one at a time, and N by 8 clients.
/// The cluster is the benchmarks' own durable one, restarted once with pg_stat_statements loaded. The source compiles
/// unchanged against the pre-Marten tree (71e7b9a), so both sides are measured the same way.
/// </summary>
public static class PledgeCostBenchmark
{
    private const int Households = 8_000;
    private const int Ideas = 1_000;
    private const long Amount = 100;

    public static async Task RunAsync(BenchArgs args)
    {
        var n = args.Seconds * 100;   // --seconds 10 (the default): 1,000 pledges per phase
        var cluster = await BenchCluster.StartAsync();
        var admin = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Username = "postgres", Pooling = false }.ConnectionString;
        await AdminAsync(admin, """
            alter system set shared_preload_libraries = 'pg_stat_statements';
            alter system set track_functions = 'all';
            """);
        NpgsqlConnection.ClearAllPools();
        await BenchCluster.RunAsync(cluster.Root, "bash", "infra/pg.sh", "stop", "--keep", "--dir", BenchCluster.Directory);
        await using var restarted = await BenchCluster.StartAsync();
        await AdminAsync(admin, """
            create extension if not exists pg_stat_statements;
            alter system set pg_stat_statements.track = 'all';
            alter system set pg_stat_statements.track_utility = 'on';
            select pg_reload_conf()
            """);
        Console.WriteLine($"cluster    : {await AdminScalarAsync(admin, "select version()")}; fsync {await AdminScalarAsync(admin, "show fsync")}, " +
                          $"synchronous_commit {await AdminScalarAsync(admin, "show synchronous_commit")}");

        await using var app = await DomainApp.StartAsync(restarted, "bench_cost");
        var buurten = DomainSetup.Buurten(1);
        var (programId, cheques) = await DomainSetup.IssuedProgramAsync(app, Households, buurten, 750);
        await DomainSetup.ActivateAsync(app.Bus, cheques.Select(c => c.Id));
        var ideas = await DomainSetup.OpenIdeasAsync(app.Bus, cheques.Take(Ideas).ToList(), 150_000);
        await BenchStore.ExecuteAsync(restarted, "vacuum (analyze)");
        var schema = "bench_cost";

        var ids = cheques.Select(c => c.Id).ToArray();
        var random = new Random(11);
        var next = 0;
        (Guid Idea, Guid Cheque) Pick() => (ideas[random.Next(ideas.Count)], ids[next++ % ids.Length]);

        // Warm-up: JIT, pool, plans.
        for (var i = 0; i < 300; i++) { var (idea, cheque) = Pick(); await PledgeAsync(app, idea, cheque); }

        if (Environment.GetEnvironmentVariable("WC_COST_LOG") == "1")
        {
            // Every statement of three pledges as PostgreSQL received it (process, virtual transaction, transaction id).
            await AdminAsync(admin, """
                alter system set log_statement = 'all';
                alter system set log_line_prefix = '%p %v %x ';
                select pg_reload_conf()
                """);
            await Task.Delay(500);
            var log = Path.Combine(BenchCluster.Directory, "server.log");
            var from = new FileInfo(log).Length;
            for (var i = 0; i < 3; i++) { var (idea, cheque) = Pick(); await PledgeAsync(app, idea, cheque); }
            await AdminAsync(admin, "alter system reset log_statement; select pg_reload_conf()");
            await using var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Seek(from, SeekOrigin.Begin);
            Console.WriteLine("log        : three pledges as PostgreSQL logged them:");
            Console.WriteLine(await new StreamReader(file).ReadToEndAsync());
        }

        foreach (var clients in new[] { 1, 8 })
        {
            var work = Enumerable.Range(0, n).Select(_ => Pick()).ToArray();
            await AdminAsync(admin, "select pg_stat_statements_reset(); select pg_stat_reset(); select pg_stat_reset_shared('wal')");
            // Backends flush their pending statistics when idle for 10 s (PostgreSQL 15): let the warm-up's arrive first.
            await Task.Delay(11_000);
            var before = await SnapshotAsync(admin, schema);
            using var operations = new NpgsqlOperations();
            var cpu0 = CpuSample.Take();
            var queue = new System.Collections.Concurrent.ConcurrentQueue<(Guid, Guid)>(work);
            var failures = 0;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (queue.TryDequeue(out var p))
                    if (!await PledgeAsync(app, p.Item1, p.Item2)) Interlocked.Increment(ref failures);
            })));
            var cpu = CpuSample.Take() - cpu0;
            var ops = operations.Count;
            var lsnAfterRun = await AdminScalarAsync(admin, "select pg_current_wal_insert_lsn() - '0/0'::pg_lsn");
            Console.WriteLine($"wal        : {(long.Parse(lsnAfterRun, CultureInfo.InvariantCulture) - before.Lsn) / (double)n:F0} bytes per pledge right after the run (lsn)");
            await Task.Delay(11_000);
            var after = await SnapshotAsync(admin, schema);
            Report(clients, n, failures, ops, cpu, before, after, await StatementsAsync(admin));
        }
        Console.WriteLine($"check      : rm_ideas pledged {await DomainSetup.ScalarAsync<decimal>(app.Store, "select coalesce(sum(pledged_cents), 0) from rm_ideas where program_id = $1", programId)} cents");
    }

    private static async Task<bool> PledgeAsync(DomainApp app, Guid idea, Guid cheque)
    {
        try
        {
            await app.Bus.InvokeAsync(new Pledge(idea, cheque, Amount), DomainSetup.Resident(cheque));
            return true;
        }
        catch (Waardecheque.Domain.RuleViolation)
        {
            return false;   // a cheque spent out (each has 750 cents): counted, not a cost the figures hide
        }
    }

    private sealed record Snapshot(long WalBytes, long WalRecords, long WalFpi, long Commits, long Rollbacks,
        Dictionary<string, (long Ins, long Upd, long Hot, long Del, int Indexes)> Tables, Dictionary<string, (long Calls, double SelfMs)> Functions,
        long Lsn);

    private static async Task<Snapshot> SnapshotAsync(string admin, string schema)
    {
        await using var conn = new NpgsqlConnection(admin + ";Database=waardecheque");
        await conn.OpenAsync();
        // Statistics are read from a snapshot per transaction; make sure they are fresh.
        await Exec(conn, "select pg_stat_clear_snapshot()");
        long walBytes = 0, walRecords = 0, walFpi = 0, commits = 0, rollbacks = 0, lsn;
        await using (var cmd = new NpgsqlCommand("select wal_bytes::bigint, wal_records, wal_fpi from pg_stat_wal", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            if (await r.ReadAsync()) (walBytes, walRecords, walFpi) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        await using (var cmd = new NpgsqlCommand("select xact_commit, xact_rollback from pg_stat_database where datname = 'waardecheque'", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            if (await r.ReadAsync()) (commits, rollbacks) = (r.GetInt64(0), r.GetInt64(1));
        await using (var cmd = new NpgsqlCommand("select pg_current_wal_insert_lsn() - '0/0'::pg_lsn", conn))
            lsn = Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        var tables = new Dictionary<string, (long, long, long, long, int)>();
        await using (var cmd = new NpgsqlCommand("""
            select t.relname, t.n_tup_ins, t.n_tup_upd, t.n_tup_hot_upd, t.n_tup_del,
                   (select count(*) from pg_index i where i.indrelid = t.relid)::int
            from pg_stat_user_tables t where t.schemaname = $1
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) tables[r.GetString(0)] = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5));
        }
        var functions = new Dictionary<string, (long, double)>();
        await using (var cmd = new NpgsqlCommand("select funcname, calls, self_time from pg_stat_user_functions where schemaname = $1", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) functions[r.GetString(0)] = (r.GetInt64(1), r.GetDouble(2));
        }
        return new Snapshot(walBytes, walRecords, walFpi, commits, rollbacks, tables, functions, lsn);
    }

    private sealed record Statement(string Query, bool TopLevel, long Calls, long Rows, double ExecMs, long WalBytes, long WalRecords, long Dirtied);

    private static async Task<List<Statement>> StatementsAsync(string admin)
    {
        await using var conn = new NpgsqlConnection(admin + ";Database=waardecheque");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select s.query, s.toplevel, s.calls, s.rows, s.total_exec_time, s.wal_bytes::bigint, s.wal_records, s.shared_blks_dirtied
            from pg_stat_statements s join pg_database d on d.oid = s.dbid
            where d.datname = 'waardecheque' and s.query not like '%pg_stat%' and s.query not like '%pg_index%'
            order by s.toplevel desc, s.calls desc, s.total_exec_time desc
            """, conn);
        var list = new List<Statement>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            list.Add(new Statement(r.GetString(0), r.GetBoolean(1), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)));
        return list;
    }

    private static void Report(int clients, int n, int failures, long ops, CpuSample cpu, Snapshot a, Snapshot b, List<Statement> statements)
    {
        double Per(double x) => x / n;
        var commits = b.Commits - a.Commits;
        Console.WriteLine();
        Console.WriteLine($"== {n} pledges, {clients} client(s) ({failures} refused by a rule), load avg {Load.Average()}");
        Console.WriteLine($"per pledge : {Per(ops):F2} Npgsql operations + {Per(commits):F2} COMMITs ({Per(b.Rollbacks - a.Rollbacks):F2} rollbacks; " +
                          $"xact counts include this harness's few statistics reads)");
        Console.WriteLine($"per pledge : WAL {Per(b.Lsn - a.Lsn):F0} bytes by pg_current_wal_insert_lsn; pg_stat_wal: {Per(b.WalBytes - a.WalBytes):F0} bytes in {Per(b.WalRecords - a.WalRecords):F1} records " +
                          $"({Per(b.WalFpi - a.WalFpi):F2} full-page images)");
        Console.WriteLine($"per pledge : CPU {1000 * Per(cpu.Client):F3} ms this process + {1000 * Per(cpu.Server):F3} ms PostgreSQL " +
                          $"(/proc, includes background workers)");
        long rows = 0, entries = 0;
        foreach (var (table, t1) in b.Tables.OrderBy(t => t.Key))
        {
            var t0 = a.Tables.TryGetValue(table, out var x) ? x : (0, 0, 0, 0, t1.Indexes);
            var (ins, upd, hot, del) = (t1.Ins - t0.Ins, t1.Upd - t0.Upd, t1.Hot - t0.Hot, t1.Del - t0.Del);
            if (ins + upd + del == 0) continue;
            var idx = (ins + upd - hot) * t1.Indexes;
            rows += ins + upd + del;
            entries += idx;
            Console.WriteLine($"  table    : {table,-32} ins {Per(ins):F2}  upd {Per(upd):F2} (HOT {Per(hot):F2})  del {Per(del):F2}  " +
                              $"index entries {Per(idx):F2} ({t1.Indexes} indexes)");
        }
        Console.WriteLine($"per pledge : {Per(rows):F2} rows written, {Per(entries):F2} index entries (inserts + non-HOT updates x indexes)");
        foreach (var (f, v1) in b.Functions.OrderBy(f => f.Key))
        {
            var v0 = a.Functions.TryGetValue(f, out var y) ? y : (0, 0);
            if (v1.Calls - v0.Calls == 0) continue;
            Console.WriteLine($"  function : {f,-40} calls {Per(v1.Calls - v0.Calls):F2}  self {Per(v1.SelfMs - v0.SelfMs):F3} ms");
        }
        Console.WriteLine("  statements (calls, rows, exec ms, WAL bytes per pledge; top = sent by the client, nested = inside a function/trigger):");
        foreach (var s in statements.Where(s => s.Calls >= n / 20))
            Console.WriteLine($"    {(s.TopLevel ? "top   " : "nested")} {Per(s.Calls),5:F2} x  rows {Per(s.Rows),5:F2}  {Per(s.ExecMs),6:F3} ms  " +
                              $"WAL {Per(s.WalBytes),6:F0} B  | {OneLine(s.Query)}");
        var top = statements.Where(s => s.TopLevel).ToList();
        Console.WriteLine($"per pledge : {Per(top.Sum(s => s.Calls)):F2} top-level statements (BEGIN/COMMIT included), " +
                          $"{Per(statements.Where(s => !s.TopLevel).Sum(s => s.Calls)):F2} nested; exec {Per(top.Sum(s => s.ExecMs)):F3} ms");
    }

    private static string OneLine(string sql)
    {
        var one = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return one.Length > 150 ? one[..150] + "…" : one;
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var conn = new NpgsqlConnection(admin + ";Database=waardecheque");
        await conn.OpenAsync();
        foreach (var part in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            await Exec(conn, part);
    }

    private static async Task<string> AdminScalarAsync(string admin, string sql)
    {
        await using var conn = new NpgsqlConnection(admin + ";Database=waardecheque");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
