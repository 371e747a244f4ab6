using Microsoft.Extensions.Logging;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// The event store (Marten's DocumentStore): owns the connection pool, creates the schema at start-up and hands out
/// sessions. One per process; thread-safe.
/// </summary>
public sealed class DocumentStore : IAsyncDisposable
{
    private DocumentStore(StoreOptions options, NpgsqlDataSource dataSource, NpgsqlDataSource dedicated)
    {
        Options = options;
        DataSource = dataSource;
        Dedicated = dedicated;
        Notifier = new CommitNotifier(dataSource, SchemaSql.Channel(options.DatabaseSchemaName));
    }

    public StoreOptions Options { get; }

    /// <summary>Pooled connections whose search_path is the store's schema; other layers may use it for their tables.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Unpooled connections for the daemon: it holds session advisory locks and LISTENs, which must end when the
    /// connection closes rather than linger on a pooled one.
    /// </summary>
    internal NpgsqlDataSource Dedicated { get; }

    internal CommitNotifier Notifier { get; }

    internal StreamHeads Heads { get; } = new();

    internal AggregateCache Aggregates { get; } = new();

    public static async Task<DocumentStore> CreateAsync(StoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schema = SchemaMigrator.CheckSchemaName(options.DatabaseSchemaName);
        options.Events.Freeze();
        options.Projections.Freeze();

        var pooled = Build(options.ConnectionString, schema, pooling: true);
        var dedicated = Build(options.ConnectionString, schema, pooling: false);
        try
        {
            await SchemaMigrator.MigrateAsync(pooled, options, ct);
            return new DocumentStore(options, pooled, dedicated);
        }
        catch
        {
            await pooled.DisposeAsync();
            await dedicated.DisposeAsync();
            throw;
        }
    }

    private static NpgsqlDataSource Build(string connectionString, string schema, bool pooling)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.SearchPath = schema;
        // The append statements are the same text every time; preparing them saves the server a parse and plan each.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 50;
        if (!pooling) builder.ConnectionStringBuilder.Pooling = false;
        // Handing a pooled connection out again costs a reset round trip (RESET ALL, CLOSE ALL, UNLISTEN *, advisory
        // unlocks...), once per command. The store leaves no session state on pooled connections (its LISTEN and
        // session advisory locks use the unpooled source; the migrator's lock is transaction-scoped), so skip it.
        // Other users of DataSource must do the same: nothing set, listened to or locked beyond a transaction.
        else builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    public IEventSession LightweightSession() => new EventSession(this);

    /// <summary>True when the schema exists at this code's version (for /health/ready); false also when unreachable.</summary>
    public Task<bool> IsSchemaCurrentAsync(CancellationToken ct = default) => SchemaMigrator.IsCurrentAsync(DataSource, ct);

    /// <summary>
    /// Starts many single-event streams in one transaction with binary COPY (how 100,000 cheques are issued), runs the
    /// inline projections over them and then <paramref name="alsoInTransaction"/>. Any stream that exists already
    /// fails the whole call with <see cref="ConcurrencyException"/>.
    /// </summary>
    public Task BulkStartStreamsAsync<TAggregate>(IReadOnlyList<(Guid StreamId, object Event)> streams, string? actor,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? alsoInTransaction, CancellationToken ct = default)
        where TAggregate : class =>
        BulkStreamStarter.StartAsync(this, typeof(TAggregate).Name, streams, actor, alsoInTransaction, ct);

    /// <summary>
    /// Committed events after <paramref name="afterSequence"/> in sequence order. A plain read: a transaction that drew
    /// a lower number may still commit later, so a reader that must see every event uses a projection instead.
    /// </summary>
    public async Task<IReadOnlyList<IEvent>> ReadAllAsync(long afterSequence, int maxCount, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand(
            $"select {EventRows.Columns} from mt_events e where e.seq_id > $1 order by e.seq_id limit $2");
        cmd.Parameters.Add(new() { Value = afterSequence });
        cmd.Parameters.Add(new() { Value = maxCount });
        return await EventRows.ReadAllAsync(cmd, Options.Events, ct);
    }

    /// <summary>Recomputes every hash chain and the checkpoint over all stream heads (DOMAIN.md, "Tamper evidence").</summary>
    public Task<IntegrityReport> VerifyAsync(CancellationToken ct = default) => IntegrityVerifier.VerifyAsync(DataSource, ct);

    /// <summary>
    /// After a deliberate redaction of stored event bodies in <paramref name="tx"/>: recomputes those streams' hash
    /// chains and heads in the same transaction, so the log verifies again. Published checkpoints that covered the old
    /// hashes no longer match; the caller documents why (docs/decisions.md).
    /// </summary>
    public Task RechainStreamsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<Guid> streamIds,
        CancellationToken ct = default) => StreamRechainer.RechainAsync(this, conn, tx, streamIds, ct);

    public ProjectionDaemon CreateDaemon(ILogger? logger = null) => new(this, logger);

    /// <summary>
    /// Empties a projection and replays the log into it, in one transaction, so readers see the old read model until
    /// the new one is complete. Rebuilding an inline projection holds appends back while it runs; an async one does not.
    /// </summary>
    public Task RebuildProjectionAsync(string projectionName, CancellationToken ct = default) =>
        ProjectionRebuilder.RebuildAsync(this, [Options.Projections.Find(projectionName)], ct);

    /// <summary>
    /// <see cref="RebuildProjectionAsync"/> for several projections of one lifecycle (e.g. every inline one) in one
    /// transaction and one read of the log, each page handed to each projection in turn.
    /// </summary>
    public Task RebuildProjectionsAsync(IEnumerable<string> projectionNames, CancellationToken ct = default) =>
        ProjectionRebuilder.RebuildAsync(this, projectionNames.Distinct().Select(Options.Projections.Find).ToList(), ct);

    public async ValueTask DisposeAsync()
    {
        await Notifier.DisposeAsync();
        await DataSource.DisposeAsync();
        await Dedicated.DisposeAsync();
    }
}
