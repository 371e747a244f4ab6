using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;
using Waardecheque.Payments.Gateway;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Payments.Webhooks;
using Waardecheque.Testing;

namespace Waardecheque.Payments.Tests.Support;

/// <summary>
/// The sandbox on a real loopback port (Kestrel, so a dropped connection is a real reset), on its own database, with
/// a webhook receiver in the same host that verifies every delivery with <see cref="StripeWebhooks.Verify"/>, and
/// our gateway pointed at it with millisecond back-off.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    public const string WebhookSecret = "whsec_test_waardecheque_payments_tests";

    private SandboxHost(WebApplication app, string connectionString, LogCapture log)
    {
        App = app;
        ConnectionString = connectionString;
        Log = log;
        BaseUrl = app.Urls.Single();
        SandboxUrl = BaseUrl + SandboxEndpoints.DefaultPrefix;
        Stripe = StripeClientFactory.Create(Settings(), app.Services.GetRequiredService<ILoggerFactory>());
        Payments = new StripePayments(Stripe);
        Browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(BaseUrl) };
    }

    public WebApplication App { get; }
    public string ConnectionString { get; }
    public LogCapture Log { get; }
    public string BaseUrl { get; }
    public string SandboxUrl { get; }
    public StripeClient Stripe { get; }
    public StripePayments Payments { get; }

    /// <summary>Like a browser with redirects shown rather than followed.</summary>
    public HttpClient Browser { get; }

    public StripeSandbox Sandbox => App.Services.GetRequiredService<StripeSandbox>();
    public SandboxChaos Chaos => Sandbox.Chaos;

    /// <summary>Every delivery the receiver got, with the verdict on it.</summary>
    public ConcurrentQueue<WebhookVerdict> Deliveries { get; } = new();

    /// <summary>The receiver answers 500 to this many deliveries before it accepts again.</summary>
    public int RefuseNextDeliveries;

    public IEnumerable<Event> Events => Deliveries.Where(d => d.Accepted).Select(d => d.Event!);

    public StripeSettings Settings(RetrySettings? retry = null) => new()
    {
        SecretKey = StripeSandboxOptions.DefaultApiKey,
        BaseUrl = SandboxUrl,
        Retry = retry ?? new RetrySettings
        {
            Tries = 4, FirstDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40),
            AttemptTimeout = TimeSpan.FromSeconds(10),
        },
    };

    public static async Task<SandboxHost> StartAsync(string purpose, string? connectionString = null)
    {
        connectionString ??= await TestDatabase.CreateDatabaseAsync(purpose);
        var log = new LogCapture();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddStripeSandbox(o =>
        {
            o.ConnectionString = connectionString;
            o.WebhookSecret = WebhookSecret;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            o.FirstRedeliveryDelay = TimeSpan.FromMilliseconds(50);
            o.MaxRedeliveryDelay = TimeSpan.FromMilliseconds(200);
        });
        var app = builder.Build();
        app.MapStripeSandbox();
        SandboxHost? host = null;
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var verdict = StripeWebhooks.Verify(body, http.Request.Headers["Stripe-Signature"], WebhookSecret, DateTimeOffset.UtcNow);
            if (Interlocked.Decrement(ref host!.RefuseNextDeliveries) >= 0) return Results.StatusCode(500);
            host.Deliveries.Enqueue(verdict);
            return verdict.Accepted ? Results.Ok() : Results.BadRequest();
        });
        await app.StartAsync();
        host = new SandboxHost(app, connectionString, log);
        // Known only now that Kestrel has its port; the worker reads it on every round.
        app.Services.GetRequiredService<StripeSandboxOptions>().WebhookUrl = host.BaseUrl + "/hooks";
        return host;
    }

    /// <summary>Waits (briefly) until the receiver has an event matching <paramref name="match"/>.</summary>
    public async Task<Event> EventAsync(string type, Func<Event, bool>? match = null, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var found = Events.Where(e => e.Type == type && (match?.Invoke(e) ?? true)).ToList();
            if (found.Count >= count) return found[0];
            await Task.Delay(20);
        }
        throw new TimeoutException($"No {type} event arrived. Got: {string.Join(", ", Events.Select(e => e.Type))}");
    }

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A host per test class; tests in one class run one after another, so chaos switches never cross tests.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private SandboxHost? _host;
    public SandboxHost Host => _host ?? throw new InvalidOperationException("Not started.");
    public async Task InitializeAsync() => _host = await SandboxHost.StartAsync("payments");
    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
