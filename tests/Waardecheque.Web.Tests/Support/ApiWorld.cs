using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Handlers;
using Waardecheque.Testing;
using Waardecheque.Web.Features.Expenses;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Wolverine.Runtime;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// One app on its own database per test class, with an admin, a moderator, a second moderator and an auditor signed
/// in, and helpers to set up a program the way a municipality does: over the API.
/// </summary>
public abstract class ApiWorld : IAsyncLifetime
{
    public const string CodeKey = TestApp.CodeKey;
    public const string Tuinen = "BU06370301", Vaarten = "BU06370302", Weiden = "BU06370303";

    public TestApp App { get; private set; } = null!;

    /// <summary>A command as the app's own background handling sends it (through Wolverine, like the app; e.g. the webhook's).</summary>
    public Task RecordAsync(object command) =>
        App.Services.GetRequiredService<IWolverineRuntime>().InvokeCommandAsync(command, Waardecheque.Domain.MessageContext.System("test:webhook"));
    public HttpClient Client { get; private set; } = null!;
    public string Admin { get; private set; } = "";
    public string Moderator { get; private set; } = "";
    public Guid ModeratorId { get; private set; }
    public string Moderator2 { get; private set; } = "";
    public string Auditor { get; private set; } = "";

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();
    protected virtual Action<IServiceCollection>? Services => null;
    /// <summary>A real port for the app (null: in memory); set by a world before <see cref="InitializeAsync"/> starts it.</summary>
    protected virtual int? KestrelPort => null;
    /// <summary>A fresh database on the cluster every test shares; a drill that stops PostgreSQL brings its own.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => TestDatabase.CreateDatabaseAsync(GetType().Name);

    public virtual async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            [WebConfig.CodeKey] = CodeKey,
            // The in-memory host has no client address, so every test of a class shares one limiter key: only the
            // class that tests the limit keeps it low.
            [WebConfig.CodeAttemptLimit] = "100000",
        };
        foreach (var (k, v) in ExtraSettings) settings[k] = v;
        App = TestApp.StartOn(await CreateDatabaseAsync(), settings, Services, KestrelPort);
        Client = App.CreateClient();
        Admin = await Client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        (Moderator, ModeratorId) = await AddStaffAsync("verbinder@zoetermeer.example", "moderator");
        (Moderator2, _) = await AddStaffAsync("verbinder2@zoetermeer.example", "moderator");
        (Auditor, _) = await AddStaffAsync("controller@zoetermeer.example", "auditor");
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();

    private async Task<(string Token, Guid Id)> AddStaffAsync(string email, string role)
    {
        const string password = "een lang demowachtwoord";
        var created = await Client.PostAsJsonAsync("/api/v1/staff", new { email, password, role }, Admin);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return (await Client.SignInAsync(email, password), id);
    }

    // ---- requests

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token = null, object? body = null,
        IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is HttpContent content) request.Content = content;
        else if (body is not null) request.Content = JsonContent.Create(body);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostAsync(string url, string? token, object? body = null, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, url, token, body ?? new { }, headers);

    public Task<HttpResponseMessage> GetAsync(string url, string? token = null) => SendAsync(HttpMethod.Get, url, token);

    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string url, string? token = null) => await OkJsonAsync(await GetAsync(url, token));

    public async Task<JsonElement> PostJsonAsync(string url, string? token, object? body = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        await OkJsonAsync(await PostAsync(url, token, body), expected);

    // ---- a program the way the municipality sets it up

    public static readonly (string Street, string Buurt, string Postcode, int From, int To)[] StandardStreets =
    [
        ("Rozentuin", Tuinen, "2716 BA", 1, 8),
        ("Kruidentuin", Tuinen, "2716 BC", 1, 3),
        ("Noordvaart", Vaarten, "2716 CA", 1, 4),
        ("Klaverweide", Weiden, "2716 DA", 1, 4),
    ];

    public static string StandardCsv()
    {
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        foreach (var s in StandardStreets)
            for (var n = s.From; n <= s.To; n++) csv.Append($"{s.Postcode},{n},,,{s.Street},{s.Buurt}\n");
        return csv.ToString();
    }

    public static int StandardHouseholds => StandardStreets.Sum(s => s.To - s.From + 1);

    public static object ProgramBody(object? rules = null, DateTimeOffset? opensAt = null, DateTimeOffset? closesAt = null, DateTimeOffset? now = null)
    {
        var start = now ?? DateTimeOffset.UtcNow;
        return new
        {
            name = "Seghwaert Doet 2026",
            municipalityCode = "GM0637",
            buurten = new[] { new { code = Tuinen, name = "Tuinen" }, new { code = Vaarten, name = "Vaarten" }, new { code = Weiden, name = "Weiden" } },
            chequeValueCents = 750,
            opensAt = opensAt ?? start,
            closesAt = closesAt ?? start.AddDays(60),
            rules = rules ?? new { minHouseholdsPerIdea = 3, minPledgeCents = 100, maxIdeaTargetCents = 150000, moderation = true, topUps = true, maxTopUpCents = 25000 },
        };
    }

    public async Task<Guid> CreateProgramAsync(object? rules = null, DateTimeOffset? now = null) =>
        (await PostJsonAsync("/api/v1/programs", Admin, ProgramBody(rules, now: now), HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public Task<HttpResponseMessage> ImportAsync(Guid programId, string csv, string contentType = "text/csv") =>
        SendAsync(HttpMethod.Post, $"/api/v1/programs/{programId}/households", Admin,
            new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } });

    /// <summary>Created, imported (the standard streets), opened and issued.</summary>
    public async Task<Guid> OpenProgramAsync(object? rules = null, DateTimeOffset? now = null)
    {
        var id = await CreateProgramAsync(rules, now);
        await OkJsonAsync(await ImportAsync(id, StandardCsv()));
        await PostJsonAsync($"/api/v1/programs/{id}/open", Admin);
        await PostJsonAsync($"/api/v1/programs/{id}/cheques/issue", Admin);
        return id;
    }

    public static Guid ChequeIdFor(Guid programId, string postcode, int number) =>
        Cheque.IdFor(programId, Household.IdFor(programId, Household.AddressKeyOf(postcode, number, null, null)));

    /// <summary>The code printed on a household's letter (tests know the server key, so they can "read the letter").</summary>
    public static string CodeFor(Guid programId, string street, int number) => CodeOf(ChequeIdFor(programId, PostcodeOf(street), number));

    public static string CodeOf(Guid chequeId) => ChequeCode.Derive(Encoding.UTF8.GetBytes(CodeKey), chequeId).ToString();

    public static Guid ChequeOf(Guid programId, string street, int number) => ChequeIdFor(programId, PostcodeOf(street), number);

    private static string PostcodeOf(string street) => StandardStreets.Single(s => s.Street == street).Postcode;

    /// <summary>Signs a household in with the code on its letter (the first time activates the cheque).</summary>
    public async Task<string> ResidentAsync(Guid programId, string street, int number) =>
        (await PostJsonAsync("/api/v1/resident/sessions", null, new { code = CodeFor(programId, street, number) }))
        .GetProperty("token").GetString()!;

    public async Task<Guid> ProposeAsync(string residentToken, string title, object scope, long targetCents, DateTimeOffset? deadline = null) =>
        (await PostJsonAsync("/api/v1/ideas", residentToken,
            new { title, description = "Voor de buurt.", scope, targetCents, deadline = deadline ?? DateTimeOffset.UtcNow.AddDays(30) },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public async Task<Guid> OpenIdeaAsync(string residentToken, object scope, long targetCents, DateTimeOffset? deadline = null)
    {
        var id = await ProposeAsync(residentToken, "Een idee voor de buurt", scope, targetCents, deadline);
        await PostJsonAsync($"/api/v1/ideas/{id}/approve", Moderator);
        return id;
    }

    public static object Street(string street, string buurt = Tuinen) => new { kind = "street", buurtCode = buurt, street };
    public static object Buurt(string buurt) => new { kind = "buurt", buurtCode = buurt };

    public Task<HttpResponseMessage> PledgeAsync(Guid ideaId, string token, object amountCents, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/ideas/{ideaId}/pledges", token, new { amountCents },
            idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey });

    public static MultipartFormDataContent ExpenseForm(long amountCents, byte[] receipt, string fileName = "bon.pdf",
        string payee = "Tuincentrum Seghwaert", string description = "Bloembakken", IDictionary<string, string>? extra = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(amountCents.ToString()), "amountCents" },
            { new StringContent(payee), "payee" },
            { new StringContent(description), "description" },
        };
        var file = new ByteArrayContent(receipt);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pdf");
        form.Add(file, "receipt", fileName);
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) form.Add(new StringContent(v), k);
        return form;
    }

    public static readonly byte[] PdfReceipt = Encoding.ASCII.GetBytes("%PDF-1.4\n% a receipt\n%%EOF\n");
}
