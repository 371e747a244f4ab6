using Waardecheque.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Testing;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// The app on a real Kestrel port on 127.0.0.1, built by <see cref="WebApp.Build"/> as production builds it (with the
/// probe endpoints), on its own fresh database: for what the in-memory host does not do (Kestrel's body limits, a
/// real client address).
/// </summary>
public sealed class RealPortApp : IAsyncDisposable
{
    private RealPortApp(WebApplication app)
    {
        App = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }

    public static async Task<RealPortApp> StartAsync(string purpose, IDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateDatabaseAsync(purpose);
        var app = WebApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], builder =>
        {
            var all = TestApp.Settings(database);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
            builder.Configuration.AddInMemoryCollection(all);
            builder.Services.AddEndpointModule<ProbeEndpoints>();
        });
        await app.StartAsync();
        return new RealPortApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A test class with a <see cref="RealPortApp"/> of its own for each test.</summary>
public abstract class RealPortTests(IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private RealPortApp? _host;

    protected HttpClient Client => _host?.Client ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _host = await RealPortApp.StartAsync(GetType().Name, settings);

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
