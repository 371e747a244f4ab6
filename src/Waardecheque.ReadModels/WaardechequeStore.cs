using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.ReadModels.Audit;
using Waardecheque.ReadModels.Integrity;
using Waardecheque.ReadModels.Legacy;

namespace Waardecheque.ReadModels;

/// <summary>
/// How the parts fit together: Marten as the event store (which events, which projections keep which tables), the
/// hash chain. Wolverine's handlers (Waardecheque.Handlers) run on it. The web host, the integration tests and the benchmarks all start from
/// here, so they run the same thing. <see cref="DataSource"/> is the one pool for Marten and for our own SQL; its
/// search_path is the store's schema, so queries and projections write unqualified table names.
/// </summary>
public sealed class WaardechequeStore : IAsyncDisposable
{
    private WaardechequeStore(DocumentStore marten, NpgsqlDataSource dataSource, string schema, CodeLookup lookup)
    {
        Marten = marten;
        DataSource = dataSource;
        Schema = schema;
        Lookup = lookup;
    }

    public DocumentStore Marten { get; }
    private NpgsqlDataSource? _martenPool;
    private bool _ownsMarten = true;
    public NpgsqlDataSource DataSource { get; }
    public string Schema { get; }
    /// <summary>The keyed lookup of cheque codes, which rm_cheques keeps for log-in (bulk issuing writes it too).</summary>
    public CodeLookup Lookup { get; }

    /// <summary>What this start imported from a pre-Marten store's log (null when there was none: every start but one).</summary>
    public LegacyImportResult? LegacyImport { get; private set; }

    /// <summary>The inline read models, in the order they are applied and rebuilt.</summary>
    public IReadOnlyList<ReadModel> ReadModels { get; private init; } = [];

    /// <summary>
    /// Builds the store and brings the database up to date: an old store's tables aside, Marten's tables, then ours (read
    /// models, the read-stream check, hash chain), then the import of an old store's log, all under one session advisory lock per
    /// schema (<see cref="StartLock"/>), so app processes may start at the same time.
    /// </summary>
    /// <param name="codeKey">The server key cheque codes are derived from: rm_cheques keeps each code's keyed lookup value.</param>
    public static async Task<WaardechequeStore> CreateAsync(string connectionString, byte[] codeKey, string schema = "waardecheque",
        Action<StoreOptions>? configure = null, CancellationToken ct = default)
    {
        var dataSource = DataSourceFor(connectionString, schema);
        var lookup = new CodeLookup(codeKey);
        var readModels = ReadModelsFor(lookup);
        var martenPool = MartenDataSourceFor(connectionString, schema);
        var options = Options(martenPool, schema, readModels);
        configure?.Invoke(options);
        var marten = new DocumentStore(options);
        var store = new WaardechequeStore(marten, dataSource, schema, lookup) { ReadModels = readModels, _martenPool = martenPool };
        try
        {
            await store.ApplySchemaAsync(connectionString, ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The store over a Marten <see cref="DocumentStore"/> that someone else built and owns (the web host's
    /// <c>AddMarten</c>, which Wolverine shares), configured with <see cref="Options"/> over the same
    /// <paramref name="readModels"/>. Brings the database up to date like <see cref="CreateAsync"/>; disposing the
    /// result disposes <paramref name="dataSource"/> only.
    /// </summary>
    public static async Task<WaardechequeStore> AttachAsync(DocumentStore marten, string connectionString, NpgsqlDataSource dataSource,
        string schema, CodeLookup lookup, IReadOnlyList<ReadModel> readModels, CancellationToken ct = default)
    {
        var store = new WaardechequeStore(marten, dataSource, schema, lookup) { ReadModels = readModels, _ownsMarten = false };
        await store.ApplySchemaAsync(connectionString, ct);
        return store;
    }

    /// <summary>The inline read models for a code key, in the order they are applied and rebuilt.</summary>
    public static IReadOnlyList<ReadModel> ReadModelsFor(CodeLookup lookup) =>
        [new ProgramsProjection(), new HouseholdsProjection(), new ChequesProjection(lookup), new IdeasProjection()];

    private async Task ApplySchemaAsync(string connectionString, CancellationToken ct)
    {
        // A database written by the pre-Marten store is moved forward here, once (docs/decisions.md): its tables
        // aside before Marten creates its own, its log copied in after our schema (the hash-chain trigger) exists.
        await using (await StartLock.TakeAsync(connectionString, Schema, ct))
        {
            await OldStoreAside.MoveAsync(DataSource, Schema, ct);
            await Marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await ApplyOwnSchemaAsync(DataSource, Schema, ReadModels.Select(m => m.SchemaSql).Append(AuditTables.SchemaSql), ct);
            LegacyImport = await OldStoreImport.RunAsync(this, ct);
        }
    }

    /// <summary>How long the daemon waits for a drawn but uncommitted event sequence number before it skips it.</summary>
    public static readonly TimeSpan StaleSequenceThreshold = TimeSpan.FromSeconds(15);

    /// <summary>Marten's options: our schema, Guid streams, the stable aliases, metadata on, our JSON, inline read models.</summary>
    public static StoreOptions Options(NpgsqlDataSource dataSource, string schema, IEnumerable<ReadModel> readModels)
    {
        var options = new StoreOptions();
        options.Connection(dataSource);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Quick append: one function call per stream; inline projections here need no sequence numbers. The exclusive
        // lock makes a losing writer wait for the winner and fail its version check before drawing a number.
        options.Events.AppendMode = EventAppendMode.Quick;
        options.Events.UseExclusiveLockOnConcurrentAppends = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Listeners.Add(new ActorStamp());
        // The aliases, never .NET type names, are what the log keeps (DomainEvents): renaming a type stays free.
        foreach (var (type, alias) in DomainEvents.All) options.Events.MapEventType(type, alias);
        // Bodies keep the shape they had before Marten: camelCase, enums as strings.
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json => MessageJson.Configure(json));
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        // Inline: what a command or the next page view must see at once (credit, progress, log-in by code).
        foreach (var model in readModels) options.Projections.Add(model, JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        // Async (the daemon): the audit's books, read exactly by folding the events after its checkpoint (Audit/ProgramAudit).
        options.Projections.Add(new AuditProjection(dataSource), JasperFx.Events.Projections.ProjectionLifecycle.Async, AuditProjection.Name,
            o => o.BatchSize = AuditProjection.PageSize);
        // A sequence number drawn by a transaction that has not committed yet holds the daemon back until it commits or
        // this long has passed; then the daemon skips it. An event committed after that would never reach an async
        // projection, so the wait is long (Marten's default is 3 s, which a transaction on a loaded 2-core machine can
        // exceed). Waiting costs no exactness: reads fold everything after the checkpoint (docs/marten-move.md).
        options.Projections.StaleSequenceThreshold = StaleSequenceThreshold;
        return options;
    }

    /// <summary>
    /// The pool: search_path = the schema (our SQL names tables unqualified), statements prepared after two uses, and
    /// no reset on close (nothing of ours leaves session state on a pooled connection), unless the string says otherwise.
    /// </summary>
    public static NpgsqlDataSource DataSourceFor(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 50;
        builder.NoResetOnClose = true;
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>
    /// Marten's own pool: the same settings, auto-prepare included. It was OFF under Npgsql 10.0.0, which lost track of
    /// a statement it was auto-preparing in a batch whose earlier statement failed (a version clash, the read check's
    /// NOWAIT) and then broke the pooled connection ("prepared statement "_auto2" does not exist", ProgramCloseTests,
    /// docs/marten-move.md trap 3); that test fails every time on 10.0.0 with it on and passes on 10.0.3. Statements
    /// prepared once per connection cut PostgreSQL's CPU per pledge by about 40% (docs/benchmarks.md, "Per-pledge cost").
    /// </summary>
    public static NpgsqlDataSource MartenDataSourceFor(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, NoResetOnClose = true };
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 50;
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>
    /// Our tables beside Marten's, after Marten's (the trigger needs mt_events): <paramref name="tables"/>, the handlers'
    /// read-stream check and the hash chain, in one transaction under an advisory lock. Public for test stores of other domains.
    /// </summary>
    public static async Task ApplyOwnSchemaAsync(NpgsqlDataSource db, string schema, IEnumerable<string> tables, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('waardecheque.schema:' || $1))", conn, tx))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = schema });
            await take.ExecuteNonQueryAsync(ct);
        }
        foreach (var sql in tables.Append(ReadStreamsCheck.SchemaSql).Append(HashChainSql.Schema))
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public IDocumentSession LightweightSession() => Marten.LightweightSession();

    /// <summary>Recomputes every hash chain from mt_events (DOMAIN.md, "Tamper evidence").</summary>
    public Task<IntegrityReport> VerifyAsync(CancellationToken ct = default) => IntegrityVerifier.VerifyAsync(DataSource, ct);

    /// <summary>Whether the database has every table and function this version expects (readiness).</summary>
    public async Task<bool> IsSchemaCurrentAsync(CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand("""
            select to_regclass('mt_events') is not null and to_regclass('wc_stream_heads') is not null and to_regclass('rm_ideas') is not null
               and exists (select 1 from pg_trigger where tgname = 'wc_chain_events')
            """);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsMarten) Marten.Dispose();
        await DataSource.DisposeAsync();
        if (_martenPool is not null) await _martenPool.DisposeAsync();   // Marten does not own a pool it was given
    }
}
