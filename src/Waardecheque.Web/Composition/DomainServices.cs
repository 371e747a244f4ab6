using Marten;
using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.Web.Database;
using Waardecheque.Web.Features.Issuing;
using Waardecheque.Web.Health;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Composition;

/// <summary>The event store, its start-up and readiness, and bulk issuing, as services of the web host (Wolverine: <see cref="CritterStack"/>).</summary>
public static class DomainServices
{
    public static IServiceCollection AddWaardechequeDomain(this IServiceCollection services)
    {
        services.AddSingleton<StoreHolder>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CodeKey>();
        services.AddStartupTask<EventStoreStartup>();
        services.AddSingleton<IssuingRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<IssuingRuns>());
        services.AddSingleton<EventStoreReadiness>();
        services.AddReadinessCheck<EventStoreReadiness>("event-store");
        return services;
    }
}

/// <summary>
/// Applies the schema of the store that <c>AddMarten</c> built (Marten's tables and ours; idempotent, safe with several processes) and hands the store to <see cref="StoreHolder"/>. A task rather
/// than <c>ApplyAllDatabaseChangesOnStartup()</c>: the app must start, report not-ready and keep trying while
/// PostgreSQL is away (StartupTaskRunner), which Marten's hosted service does not do (docs/marten-move.md).
/// </summary>
internal sealed class EventStoreStartup(StoreHolder holder, StorePools pools, IDocumentStore marten, ILogger<EventStoreStartup> log)
    : IStartupTask
{
    public string Name => "event-store";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (holder.IsReady) return;
        var dataSource = WaardechequeStore.DataSourceFor(pools.ConnectionString, pools.Schema);
        try
        {
            var store = await WaardechequeStore.AttachAsync((DocumentStore)marten, pools.ConnectionString, dataSource, pools.Schema,
                pools.Lookup, pools.ReadModels, cancellationToken);
            if (store.LegacyImport is { } imported)
                log.LogWarning("Imported the pre-Marten event log: {Events} events of {Streams} streams, {CodeHashes} code hashes removed; " +
                               "the hash chain is new, so publish a fresh checkpoint from GET /api/v1/audit/verify (docs/operations.md)",
                    imported.Events, imported.Streams, imported.CodeHashesRemoved);
            holder.Set(store);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }
}

internal sealed class EventStoreReadiness(StoreHolder holder) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        holder.IsReady && await holder.Store.IsSchemaCurrentAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("het event store-schema is nog niet bijgewerkt");
}
