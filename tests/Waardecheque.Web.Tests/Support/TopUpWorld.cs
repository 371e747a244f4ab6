using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Payments;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Web.Database;
using Waardecheque.Web.Demo;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// The app on a real 127.0.0.1 port with its built-in Stripe sandbox (no Stripe key): Stripe.net talks to the sandbox over
/// HTTP, the sandbox delivers signed webhooks to the app's endpoint, and the test steers trouble through
/// <see cref="SandboxChaos"/>. Short back-offs and polls so that the tests run in seconds.
/// </summary>
public class TopUpWorld : ApiWorld
{
    private readonly int _port = TestApp.FreePort();

    public Guid ProgramId { get; private set; }
    public string BaseUrl => $"http://127.0.0.1:{_port}";

    protected override int? KestrelPort => _port;

    protected virtual IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    /// <summary>True: the app seeds the demo program (Waardecheque:Demo) and the world uses it instead of opening its own.</summary>
    protected virtual bool Demo => false;
    public Waardecheque.Web.Demo.DemoSummary? DemoSummary { get; private set; }

    protected override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = SettingsFor(_port);
            if (Demo) settings[WebConfig.Demo] = "true";
            foreach (var (k, v) in MoreSettings) settings[k] = v;
            return settings;
        }
    }

    /// <summary>Services a test adds (e.g. a hook), after the world's own.</summary>
    public Action<IServiceCollection>? MoreServices { get; init; }

    protected override Action<IServiceCollection>? Services => s =>
    {
        FastSandbox(s);
        MoreServices?.Invoke(s);
    };

    public static void FastSandbox(IServiceCollection s) => s.PostConfigure<StripeSandboxOptions>(o =>
    {
        o.PollInterval = TimeSpan.FromMilliseconds(100);
        o.FirstRedeliveryDelay = TimeSpan.FromMilliseconds(300);
        o.MaxRedeliveryDelay = TimeSpan.FromSeconds(2);
    });

    /// <summary>The settings of a second app process on the same database, on its own port.</summary>
    public static Dictionary<string, string?> SettingsFor(int port) => new()
    {
        [WebConfig.CodeKey] = CodeKey,
        [WebConfig.CodeAttemptLimit] = "100000",
        [WebConfig.PublicBaseUrl] = $"http://127.0.0.1:{port}",
        [PaymentsConfig.RetryFirstDelayMs] = "5",
        [PaymentsConfig.RetryMaxDelayMs] = "40",
        [PaymentsConfig.RetryAttemptTimeoutMs] = "5000",
        [Waardecheque.Web.Features.TopUps.TopUpRefunds.CheckAfterSetting] = "1",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Demo)
        {
            ProgramId = await OpenProgramAsync();
            return;
        }
        DemoSummary = await App.Services.GetRequiredService<Waardecheque.Web.Demo.DemoSeed>().Completed.Task.WaitAsync(TimeSpan.FromSeconds(90));
        ProgramId = DemoSummary!.ProgramId;
    }

    public StripeSandbox Sandbox => App.Services.GetRequiredService<StripeSandbox>();

    /// <summary>Posts <paramref name="body"/> to the app's Stripe webhook, signed with the sandbox's secret as Stripe signs it.</summary>
    public async Task<HttpResponseMessage> PostSignedWebhookAsync(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/stripe/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature",
            WebhookSigner.SignatureHeader(body, await Sandbox.WebhookSecretAsync(), DateTimeOffset.UtcNow));
        return await Client.SendAsync(request);
    }

    /// <summary>A browser: follows no redirects (the return pages are the pages engineer's).</summary>
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public override async Task DisposeAsync()
    {
        Browser.Dispose();
        await base.DisposeAsync();
    }

    private int _street;

    /// <summary>An open street idea with its initiator's token and two more neighbours' tokens.</summary>
    public async Task<(Guid Idea, string[] Residents)> OpenIdeaAsync(long target)
    {
        // Each idea on its own street numbers would run out; streets of 8 and 4 houses: one idea per street and buurt.
        var streets = new[] { ("Rozentuin", Tuinen), ("Noordvaart", Vaarten), ("Klaverweide", Weiden), ("Kruidentuin", Tuinen) };
        var (street, buurt) = streets[_street++ % streets.Length];
        var residents = new List<string>();
        for (var n = 1; n <= 3; n++) residents.Add(await ResidentAsync(ProgramId, street, n));
        return (await OpenIdeaAsync(residents[0], Buurt(buurt), target), [.. residents]);
    }

    public Task<HttpResponseMessage> StartTopUpAsync(Guid idea, string token, long amountCents, string? key = null, object? extra = null) =>
        PostAsync($"/api/v1/ideas/{idea}/topups", token, extra ?? new { amountCents },
            key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });

    public async Task<(Guid TopUpId, string CheckoutUrl)> StartedAsync(Guid idea, string token, long amountCents, string? key = null)
    {
        var json = await OkJsonAsync(await StartTopUpAsync(idea, token, amountCents, key), HttpStatusCode.Created);
        return (json.GetProperty("topUpId").GetGuid(), json.GetProperty("checkoutUrl").GetString()!);
    }

    /// <summary>The resident submits the sandbox checkout page's pay form, as a browser would.</summary>
    public async Task PayAsync(string checkoutUrl)
    {
        var page = await Browser.GetStringAsync(checkoutUrl);
        var action = WebUtility.HtmlDecode(Regex.Match(page, "<form method=\"post\" action=\"([^\"]+/pay)\"").Groups[1].Value);
        using var paid = await Browser.PostAsync(new Uri(new Uri(checkoutUrl), action),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["payment_method"] = "ideal", ["bank"] = "ing" }));
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
    }

    public async Task<JsonElement> TopUpAsync(Guid topUpId) => await GetJsonAsync($"/api/v1/topups/{topUpId}", Admin);

    /// <summary>Waits (up to 20 s) until the top-up is in <paramref name="state"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Guid topUpId, string state, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var json = await TopUpAsync(topUpId);
            if (json.GetProperty("state").GetString() == state) return json;
            if (DateTime.UtcNow > until) Assert.Fail($"Top-up {topUpId} stayed {json}, expected {state}.");
            await Task.Delay(100);
        }
    }

    public async Task<JsonElement> IdeaAsync(Guid idea) => await GetJsonAsync($"/api/v1/ideas/{idea}");

    /// <summary>One of the app's tables, in its schema.</summary>
    public string Table(string name) => App.Services.GetRequiredService<Waardecheque.Web.Database.DbSchema>().Table(name);

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var db = new NpgsqlConnection(App.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync() ?? 0L);
    }

    public async Task<string?> ScalarTextAsync(string sql, params object[] args)
    {
        await using var db = new NpgsqlConnection(App.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return await cmd.ExecuteScalarAsync() as string;
    }

    public async Task<Guid> ScalarGuidAsync(string sql)
    {
        await using var db = new NpgsqlConnection(App.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Refunds the sandbox made for a payment (whatever their state).</summary>
    public Task<long> SandboxRefundsAsync(string paymentIntent, string? status = null) => ScalarAsync(
        "select count(*) from stripe_sandbox.objects where type = 'refund' and data->>'payment_intent' = $1 and ($2 = '' or data->>'status' = $2)",
        paymentIntent, status ?? "");

    public async Task<string> PaymentOfAsync(Guid topUpId)
    {
        await using var db = new NpgsqlConnection(App.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand($"select payment_reference from {Table("rm_topups")} where id = $1", db);
        cmd.Parameters.Add(new NpgsqlParameter { Value = topUpId });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
