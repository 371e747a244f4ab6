using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Waardecheque.Testing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Tests.Support;

/// <summary>The real app in memory, on its own fresh database, with the probe endpoints and a readable log.</summary>
public sealed class TestApp(string connectionString, IDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<WebProgram>
{
    public const string AdminEmail = "beheer@zoetermeer.example";
    public const string AdminPassword = "een lang en geheim wachtwoord";
    /// <summary>Every test host gets a code key: without one the app refuses to start (API.md, configuration).</summary>
    public const string CodeKey = "test-code-key-for-web-tests-0123456789";

    public string ConnectionString { get; } = connectionString;
    public LogCapture Log { get; } = new();

    public static async Task<TestApp> StartAsync(string purpose, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null) =>
        StartOn(await TestDatabase.CreateDatabaseAsync(purpose), settings, services);

    /// <summary>The app on a database the caller made (e.g. on a <see cref="PrivateCluster"/>), started at once.</summary>
    /// <param name="kestrelPort">Serve on a real 127.0.0.1 port (Stripe.net and the sandbox's webhooks need one); null: in memory.</param>
    public static TestApp StartOn(string connectionString, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, int? kestrelPort = null)
    {
        var app = new TestApp(connectionString, settings, services);
        if (kestrelPort is { } port)
        {
            app.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port));
            app.StartServer();
        }
        else _ = app.Server; // start now, so startup tasks (schema, bootstrap admin) have run before the first test
        return app;
    }

    /// <summary>A port free at this moment on 127.0.0.1 (for <see cref="StartOn"/>'s kestrelPort).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["ConnectionStrings:Waardecheque"] = connectionString,
        [WebConfig.PublicBaseUrl] = "https://waardecheque.zoetermeer.example",
        [WebConfig.BootstrapAdminEmail] = AdminEmail,
        [WebConfig.BootstrapAdminPassword] = AdminPassword,
        [WebConfig.CodeKey] = CodeKey,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config =>
        {
            var all = Settings(ConnectionString);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
            config.AddInMemoryCollection(all);
        });
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ILogEventSink>(Log);
            s.AddEndpointModule<ProbeEndpoints>();
            services?.Invoke(s);
        });
    }
}
