using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Npgsql;
using Waardecheque.Handlers;
using Waardecheque.ReadModels;
using Waardecheque.Web.Database;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Wolverine;
using Wolverine.Marten;

namespace Waardecheque.Web.Composition;

/// <summary>
/// Marten and Wolverine in the web host (issue 9 step B): Marten through <c>AddMarten</c>, integrated with Wolverine so
/// that Wolverine's transactional middleware, durable inbox/outbox and scheduled messages live in the app's PostgreSQL
/// schema and commit with the events.
/// <para>
/// The app must start while PostgreSQL is away, report not ready and recover by itself (docs/reliability.md). Marten's
/// store is lazy, and its schema is applied by <see cref="EventStoreStartup"/>, which retries. Wolverine is not lazy: in
/// <c>Balanced</c> mode (durability agents shared between app processes) its start reads its node tables, and with the
/// database away the HOST fails to start (found here: <c>PostgresqlNodePersistence.LoadNodeAgentStateAsync</c> from
/// <c>WolverineRuntime.StartAsync</c>). Nor can a failed start be retried: the runtime marks itself started before it
/// talks to the database. So Wolverine's hosted services are taken out of the host's start and started by
/// <see cref="WolverineStartup"/>, a start-up task that runs after the event store's, i.e. once PostgreSQL has answered.
/// </para>
/// </summary>
internal static class CritterStack
{
    public const string HandlerCodeSetting = "Waardecheque:HandlerCode";

    public static WebApplicationBuilder AddMartenAndWolverine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var before = services.ToList();
        services.AddSingleton<StorePools>();
        // The handlers' clock, and the pool their list loaders read (Marten's: search_path = the app's schema).
        services.AddSingleton(sp => new CommandRules(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StorePools>().Marten));
        services.AddMarten(sp =>
            {
                var pools = sp.GetRequiredService<StorePools>();
                return WaardechequeStore.Options(pools.Marten, pools.Schema, pools.ReadModels);
            })
            // The async projections (the audit's books) run in one app process at a time, taken over by another when
            // it stops. Started with Wolverine's hosted services once PostgreSQL has answered (WolverineStartup).
            .AddAsyncDaemon(JasperFx.Events.Daemon.DaemonMode.HotCold)
            .IntegrateWithWolverine();

        services.AddWolverine(opts =>
        {
            // Tests start the app through WebApplicationFactory, whose entry assembly is the test host's.
            opts.ApplicationAssembly = typeof(WebApp).Assembly;
            // Our handlers (the domain's commands, and the top-ups' Stripe work), their clash retries, dead letters and
            // the schedule's polling (Waardecheque.Handlers).
            opts.UseWaardechequeHandlers(null, [typeof(DomainCommandHandler), .. TopUpHandlerTypes.All]);
            // WolverineStartup starts Wolverine once PostgreSQL has answered; should the database go away in between,
            // a failed migration only logs (the tables are created with IF NOT EXISTS at the next start).
            opts.ResourceMigrationFailureMode = ResourceMigrationFailureMode.ContinueOnFailures;
            // The handlers' code is pre-generated (`bash infra/codegen.sh` writes Internal/Generated, compiled into this
            // assembly; CodegenTests fails when it is stale), so a start compiles nothing: faster to the first request
            // and no Roslyn in memory. In Development it is generated at run time (WolverineFx.RuntimeCompilation), so a
            // new handler works before its code is regenerated.
            // Waardecheque:HandlerCode=Dynamic forces run-time generation elsewhere too (the cold-start benchmark's "before").
            var dynamic = builder.Environment.IsDevelopment() || builder.Configuration[HandlerCodeSetting] == "Dynamic";
            opts.CodeGeneration.TypeLoadMode = dynamic ? TypeLoadMode.Dynamic : TypeLoadMode.Static;
        });

        var deferred = services.Except(before).Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        foreach (var d in deferred) services.Remove(d);
        services.AddSingleton(sp => new WolverineStartup(sp, deferred, sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<WolverineStartup>>()));
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<WolverineStartup>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WolverineStartup>());
        // Once Wolverine runs (its envelope tables exist), and before the app reports ready: an older version's
        // outbox rows become Wolverine's scheduled envelopes, once.
        services.AddStartupTask<OldOutboxMove>();
        return builder;
    }
}

/// <summary>
/// The event store's connection pools and read models, built once from configuration: Marten's pool (auto-prepare off,
/// docs/marten-move.md) with search_path = the app's schema, and the read models that Marten's options and the store share.
/// </summary>
internal sealed class StorePools : IAsyncDisposable
{
    public StorePools(IConfiguration config, DbSchema schema, CodeKey key)
    {
        ConnectionString = DatabaseServices.ConnectionStringOf(config);
        Schema = schema.Name;
        Lookup = key.Lookup;
        ReadModels = WaardechequeStore.ReadModelsFor(key.Lookup);
        Marten = WaardechequeStore.MartenDataSourceFor(ConnectionString, Schema);
    }

    public string Schema { get; }
    public string ConnectionString { get; }
    public Waardecheque.Domain.Cheques.CodeLookup Lookup { get; }
    public IReadOnlyList<ReadModel> ReadModels { get; }
    public NpgsqlDataSource Marten { get; }

    public ValueTask DisposeAsync() => Marten.DisposeAsync();
}
