using JasperFx.CodeGeneration;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Handlers;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Runtime;

namespace Waardecheque.Testing;

/// <summary>
/// One app process without the web: a generic host with Marten (<c>AddMarten(options).IntegrateWithWolverine()</c>)
/// and Wolverine running our handlers with the app's policies (<c>UseWaardechequeHandlers</c>), as the web host composes
/// them. Two of these on one database behave like two processes behind a load balancer (Wolverine's Balanced mode
/// shares its durability agents and the schedule between them). Commands go through <c>IMessageBus.InvokeAsync</c>.
/// </summary>
public sealed class CommandHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CommandHost(IHost host)
    {
        _host = host;
        Runtime = host.Services.GetRequiredService<IWolverineRuntime>();
        Marten = host.Services.GetRequiredService<IDocumentStore>();
    }

    public IWolverineRuntime Runtime { get; }
    public IDocumentStore Marten { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>The command, inline through Wolverine (handler, transaction, clash retries), as the endpoints send it.</summary>
    public Task<Waardecheque.Domain.Events> InvokeAsync(object command, Waardecheque.Domain.MessageContext context, CancellationToken ct = default) =>
        Runtime.InvokeCommandAsync(command, context, ct);

    /// <param name="options">Marten's options (schema, events, projections); the host's store is built from them.</param>
    /// <param name="lists">The pool the handlers' list loaders read (search_path = the schema).</param>
    /// <param name="time">The handlers' clock ("now" for the rules; Wolverine's schedule keeps real time).</param>
    /// <param name="beforeStart">Runs on the built store before Wolverine starts (our schema: read models, the chain).</param>
    /// <param name="handlerTypes">Wolverine handler classes (default: the domain's).</param>
    /// <param name="followUpRetries">Waits before a failed follow-up is tried again (default: the app's).</param>
    public static async Task<CommandHost> StartAsync(StoreOptions options, NpgsqlDataSource lists, TimeProvider time,
        Func<DocumentStore, Task>? beforeStart = null, Type[]? handlerTypes = null, TimeSpan[]? followUpRetries = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMarten(options).IntegrateWithWolverine();
        builder.Services.AddSingleton(new CommandRules(time, lists));
        builder.Services.AddWolverine(opts =>
        {
            opts.ApplicationAssembly = typeof(CommandRules).Assembly;
            opts.UseWaardechequeHandlers(followUpRetries, handlerTypes ?? []);
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
        });
        var host = builder.Build();
        try
        {
            if (beforeStart is not null) await beforeStart((DocumentStore)host.Services.GetRequiredService<IDocumentStore>());
            await host.StartAsync();
            return new CommandHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
