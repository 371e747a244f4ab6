using System.Diagnostics;
using System.Globalization;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Audit;
using Waardecheque.ReadModels.Integrity;
using Waardecheque.Web.Database;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Weasel.Postgresql;

namespace Waardecheque.Web.Operations;

/// <summary>
/// <c>Waardecheque.Web ops &lt;command&gt;</c>: the operator's commands (docs/operations.md, "Operator commands"). They
/// read the app's configuration (connection string, schema, code key), start no web server, no Wolverine and no hosted
/// service, print what they did and exit: 0 done (or valid), 1 failed (or the chain is broken), 2 usage error.
/// </summary>
public static class OperatorCommands
{
    public const string Verb = "ops";
    public const int Ok = 0, Failed = 1, Usage = 2;

    /// <summary>How long Marten's rebuild of the audit projection may take before it gives up (--timeout-minutes).</summary>
    public static readonly TimeSpan DefaultAuditTimeout = TimeSpan.FromMinutes(60);

    private sealed record Command(string Name, string Summary, Func<Context, Task<int>> Run, bool TakesTimeout = false);

    private sealed record Context(IConfiguration Config, TextWriter Out, TextWriter Error, TimeSpan Timeout, CancellationToken Ct);

    private static readonly Command[] Commands =
    [
        new("verify", "Recompute every event's hash chain; print \"valid\" and the checkpoint, or the first broken event's seq_id (exit 1). Read-only; safe while the app runs.",
            VerifyAsync),
        new("rebuild-read-models", "Rebuild rm_programs, rm_households, rm_cheques, rm_ideas (with rm_pledges, rm_expenses, rm_topups) from the event log in one transaction. Correct while the app runs, but the app's writes and reads wait until it commits.",
            RebuildReadModelsAsync),
        new("rebuild-audit", "Empty and replay the audit projection (Marten's rebuild). UNSAFE while an app process runs that projection: refused then (exit 1); stop the app processes first. [--timeout-minutes N, default 60]",
            RebuildAuditAsync, TakesTimeout: true),
        new("help", "Print this list.", c => { PrintUsage(c.Out); return Task.FromResult(Ok); }),
    ];

    /// <summary>The app's own configuration sources (appsettings.json and appsettings.{Environment}.json of the content root, user secrets in Development, environment variables), without starting anything.</summary>
    public static IConfiguration AppConfiguration() => WebApplication.CreateBuilder(new WebApplicationOptions()).Configuration;

    /// <param name="args">What follows <c>ops</c> on the command line.</param>
    public static async Task<int> RunAsync(string[] args, IConfiguration config, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        if (args.Length == 0)
        {
            error.WriteLine("No operator command given.");
            PrintUsage(error);
            return Usage;
        }
        if (args[0] is "--help" or "-h") args = ["help"];
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            error.WriteLine($"Unknown operator command '{args[0]}'.");
            PrintUsage(error);
            return Usage;
        }
        if (ParseTimeout(command, args[1..], error) is not { } timeout)
        {
            PrintUsage(error);
            return Usage;
        }

        try
        {
            return await command.Run(new Context(config, output, error, timeout, ct));
        }
        catch (Exception e)
        {
            // A setting missing or wrong, the database away: one line says it. Anything else gets its stack trace too.
            var expected = e is NpgsqlException or InvalidOperationException or ArgumentException or TimeoutException or OperationCanceledException;
            error.WriteLine($"ops {command.Name} failed: {(expected ? $"{e.GetType().Name}: {e.Message}" : e.ToString())}");
            return Failed;
        }
    }

    private static TimeSpan? ParseTimeout(Command command, string[] rest, TextWriter error)
    {
        switch (rest)
        {
            case []: return DefaultAuditTimeout;
            case ["--timeout-minutes", var value] when command.TakesTimeout:
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0)
                    return TimeSpan.FromMinutes(minutes);
                error.WriteLine($"--timeout-minutes needs a whole number of minutes above 0, not '{value}'.");
                return null;
            default:
                error.WriteLine($"ops {command.Name} does not take '{string.Join(' ', rest)}'.");
                return null;
        }
    }

    public static void PrintUsage(TextWriter to)
    {
        to.WriteLine("Usage: dotnet Waardecheque.Web.dll ops <command>");
        to.WriteLine("Reads the app's configuration (ConnectionStrings__Waardecheque, Waardecheque__Schema, Waardecheque__CodeKey for the rebuilds),");
        to.WriteLine("starts no web server, prints what it did. Exit codes: 0 done/valid, 1 failed/broken chain, 2 usage error.");
        to.WriteLine("Commands:");
        foreach (var c in Commands) to.WriteLine($"  {c.Name,-20} {c.Summary}");
        to.WriteLine("See docs/operations.md, \"Operator commands\".");
    }

    // ---- the commands

    private static async Task<int> VerifyAsync(Context c)
    {
        var (connectionString, schema) = Database(c.Config);
        await using var db = WaardechequeStore.DataSourceFor(connectionString, schema);
        var clock = Stopwatch.StartNew();
        var report = await IntegrityVerifier.VerifyAsync(db, c.Ct);
        c.Out.WriteLine($"Checked {report.Events} events in {report.Streams} streams of schema {schema} in {Seconds(clock)}.");
        if (report.Valid)
        {
            c.Out.WriteLine("Result: valid");
            c.Out.WriteLine($"Checkpoint: seq_id {report.Checkpoint.Seq}, hash {report.Checkpoint.Hash} ({report.Checkpoint.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
            return Ok;
        }
        c.Out.WriteLine(report.FirstBrokenSeq is { } seq
            ? $"Result: BROKEN, first broken event seq_id {seq} (its hash, version or stream head does not check out)"
            : "Result: BROKEN, a stream head claims events that are not in the log");
        c.Out.WriteLine("No checkpoint to publish while the chain is broken.");
        return Failed;
    }

    private static async Task<int> RebuildReadModelsAsync(Context c)
    {
        var (connectionString, schema) = Database(c.Config);
        await using var store = await StoreAsync(c, connectionString, schema);
        if (store is null) return Failed;
        var clock = Stopwatch.StartNew();
        var events = await ReadModelRebuild.RebuildAsync(store, ct: c.Ct);
        c.Out.WriteLine($"Rebuilt the read models {string.Join(", ", store.ReadModels.Select(m => m.Name))} of schema {schema} " +
                        $"from {events} events in {Seconds(clock)} (one transaction).");
        return Ok;
    }

    private static async Task<int> RebuildAuditAsync(Context c)
    {
        var (connectionString, schema) = Database(c.Config);
        await using var store = await StoreAsync(c, connectionString, schema);
        if (store is null) return Failed;

        // The app's daemon (HotCold) runs the audit projection in the one process that holds this shard's advisory lock.
        // A rebuild beside it would lose events: that daemon keeps folding new events onto the emptied tables and moves
        // our checkpoint past them, and the replay then skips everything at or below it. So: take the same lock, through
        // Marten's own lock primitive and id, and hold it for the whole rebuild (no app process can take the projection
        // over meanwhile), or refuse.
        var options = store.Marten.Options;
        var shard = options.Projections.AllShards().Single(s => s.Name.Name == AuditProjection.Name).Name;
        var lockId = ProjectionLockIds.Compute(options.Events.DatabaseSchemaName, shard, options.Projections.DaemonLockId);
        await using var daemonLock = new AdvisoryLock(store.DataSource, NullLogger.Instance, "ops", new AdvisoryLockOptions());
        if (!await daemonLock.TryAttainLockAsync(lockId, c.Ct))
        {
            var holder = await daemonLock.FindHolderAsync(lockId, c.Ct);
            var who = holder is null ? "" : $" (PostgreSQL pid {holder.SessionId}" +
                (string.IsNullOrEmpty(holder.ApplicationName) ? "" : $", application '{holder.ApplicationName}'") +
                (holder.ClientAddress is { } client ? $", client {client}" : ", local socket") + ")";
            c.Error.WriteLine($"Refused: the audit projection ({shard.Identity}) is being run by another process's daemon{who}. " +
                              "Rebuilding it meanwhile would lose events. Stop every app process on this schema, then run ops rebuild-audit again.");
            return Failed;
        }

        var clock = Stopwatch.StartNew();
        await AuditRebuild.RebuildAsync(store, c.Timeout, c.Ct);
        await using var done = store.DataSource.CreateCommand("""
            select coalesce((select last_seq from rm_audit_checkpoint where id = 1), 0),
                   (select count(*) from mt_events where seq_id <= coalesce((select last_seq from rm_audit_checkpoint where id = 1), 0))
            """);
        await using var r = await done.ExecuteReaderAsync(c.Ct);
        await r.ReadAsync(c.Ct);
        var (checkpoint, events) = (r.GetInt64(0), r.GetInt64(1));
        c.Out.WriteLine($"Rebuilt the audit projection of schema {schema}: replayed {events} events up to seq_id {checkpoint} in {Seconds(clock)}.");
        return Ok;
    }

    // ---- shared

    private static (string ConnectionString, string Schema) Database(IConfiguration config) =>
        (DatabaseServices.ConnectionStringOf(config), DatabaseServices.SchemaOf(config).Name);

    /// <summary>
    /// The store as the app builds it (the start brings the schema up to date, as an app start does), or null when the
    /// configured code key is missing or not the key the read models were built with (said on <see cref="Context.Error"/>).
    /// </summary>
    private static async Task<WaardechequeStore?> StoreAsync(Context c, string connectionString, string schema)
    {
        if (CodeKey.Problem(c.Config[WebConfig.CodeKey]) is not null)
        {
            c.Error.WriteLine($"{WebConfig.CodeKey} is not set or has fewer than {CodeKey.MinimumLength} characters: the rebuilds need the " +
                              "app processes' code key (e.g. the environment variable Waardecheque__CodeKey), see docs/operations.md.");
            return null;
        }
        var key = new CodeKey(c.Config);
        if (await CodeKeyMismatchAsync(connectionString, schema, key, c.Ct) is { } mismatch)
        {
            c.Error.WriteLine(mismatch);
            return null;
        }
        // HotCold as in the app (CritterStack), which also keeps Marten from printing that the daemon is disabled. Nothing
        // runs the daemon here: only AddAsyncDaemon's hosted coordinator would, and this process has no host.
        return await WaardechequeStore.CreateAsync(connectionString, key.Bytes, schema,
            o => o.Projections.AsyncMode = DaemonMode.HotCold, c.Ct);
    }

    /// <summary>
    /// Why the configured code key must not be used here, or null: rm_cheques keeps each code's lookup value derived from
    /// the key, so rebuilding with another key would lock every resident out. Checked on one existing row, before the
    /// store is created (its start may itself rebuild, when it imports a pre-Marten log).
    /// </summary>
    private static async Task<string?> CodeKeyMismatchAsync(string connectionString, string schema, CodeKey key, CancellationToken ct)
    {
        await using var db = WaardechequeStore.DataSourceFor(connectionString, schema);
        await using var cmd = db.CreateCommand("""
            select id, code_lookup from rm_cheques where code_lookup is not null limit 1
            """);
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            return key.Lookup.OfCheque(r.GetGuid(0)).AsSpan().SequenceEqual(r.GetFieldValue<byte[]>(1)) ? null
                : $"Refused: {WebConfig.CodeKey} is not the key rm_cheques was built with (cheque {r.GetGuid(0)}), so a rebuild would " +
                  "lock every resident out. Use the app processes' key.";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;   // a database the app never started on: nothing to compare with
        }
    }

    private static string Seconds(Stopwatch clock) => clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
