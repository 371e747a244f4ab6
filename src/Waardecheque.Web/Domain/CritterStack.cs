using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Npgsql;
using Waardecheque.Messaging;
using Waardecheque.ReadModels;
using Waardecheque.Web.Database;
using Waardecheque.Web.Hosting;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Util;
using Wolverine.Marten;

namespace Waardecheque.Web.Domain;

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
    // Before any Wolverine host of this process names a message type.
    static CritterStack() => WolverineMessageNaming.InsertFirst<StableMessageNames>();

    /// <summary>The waits between attempts after a version clash (each stretched by jitter up to twice its length).</summary>
    internal static readonly TimeSpan[] ClashCooldowns = [.. new[] { 1, 2, 4, 8, 16, 25, 35, 50, 70, 100, 150, 200 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    public static WebApplicationBuilder AddMartenAndWolverine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var before = services.ToList();
        services.AddSingleton<StorePools>();
        services.AddSingleton<CommandRules>();
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
            opts.Policies.AutoApplyTransactions();
            opts.Policies.UseDurableLocalQueues();
            opts.Policies.UseDurableOutboxOnAllSendingEndpoints();
            // A version clash (or a stream started twice, a read stream that moved, a deadlock) means another command
            // changed a stream meanwhile: run the handler again on fresh state, in a new session. These cooldowns apply
            // to IMessageBus.InvokeAsync too (Executor.InvokeAsync asks for an inline continuation; a cooldown is one),
            // and full jitter (each delay d becomes a random one in [d, 2d]) keeps simultaneous losers from colliding
            // in lock-step. From the second attempt on the handler locks the streams the command names (CommandRules),
            // so 200 households on one idea queue instead of clashing: 12 retries, at most about 2.5 s in all. When they
            // run out the clash reaches the caller, who answers 409 conflict (CommandInvocation).
            opts.OnException(e => CommandBus.AsClash(e) is not null)
                .RetryWithCooldown(ClashCooldowns)
                .WithFullJitter();
            // A follow-up from a queue that breaks a rule (or a refund no worker makes yet) goes to the dead letters at
            // once, for a person (the old outbox parked such rows). Inline calls are not affected: the caller gets it.
            opts.OnException(e => e is IPermanentError).MoveToErrorQueue();
            // Due scheduled messages (an idea's deadline, a program's close) are looked for every second, as the old
            // outbox worker did.
            opts.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
            // WolverineStartup starts Wolverine once PostgreSQL has answered; should the database go away in between,
            // a failed migration only logs (the tables are created with IF NOT EXISTS at the next start).
            opts.ResourceMigrationFailureMode = ResourceMigrationFailureMode.ContinueOnFailures;
            // Handler code is generated at run time (WolverineFx.RuntimeCompilation); pre-generated code is a later step.
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
        });

        var deferred = services.Except(before).Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        foreach (var d in deferred) services.Remove(d);
        services.AddSingleton(sp => new WolverineStartup(sp, deferred, sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<WolverineStartup>>()));
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<WolverineStartup>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WolverineStartup>());
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
        var connectionString = config.GetConnectionString(WebConfig.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{WebConfig.ConnectionStringName} is not set.");
        ConnectionString = PoolSettings.Apply(connectionString);
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

/// <summary>
/// Wolverine's message type names for our messages: the stable names of <c>DomainEvents.Messages</c> (expire_idea,
/// close_program, ...) instead of .NET type names, because a scheduled envelope may wait for months (a program's close)
/// and must not depend on a name that a refactoring changes.
/// </summary>
internal sealed class StableMessageNames : IMessageTypeNaming
{
    private static readonly Dictionary<Type, string> Names =
        Waardecheque.Domain.DomainEvents.Messages.ToDictionary(m => m.Type, m => m.Alias);

    public bool TryDetermineName(Type messageType, out string messageTypeName) =>
        Names.TryGetValue(messageType, out messageTypeName!);
}
