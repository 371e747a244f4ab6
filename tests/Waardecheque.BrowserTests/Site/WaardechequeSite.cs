using Waardecheque.Handlers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.Testing;
using Waardecheque.Web;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.BrowserTests.Site;

/// <summary>
/// The real Waardecheque app (<see cref="WebApp.Build"/>) on a loopback port, on a fresh database of its own, with
/// a code key and staff accounts. Tests seed their own program through the domain's commands, so they never share data.
/// </summary>
public sealed class WaardechequeSite : IAsyncLifetime
{
    public const string CodeKey = "browser-test-code-key-0123456789";
    public const string AdminEmail = "gemeente@zoetermeer.example";
    public const string ModeratorEmail = "verbinder@zoetermeer.example";
    public const string Password = "een lang en geheim wachtwoord";
    public static readonly byte[] KeyBytes = Encoding.UTF8.GetBytes(CodeKey);

    private WebApplication _app = null!;

    public string BaseUrl { get; private set; } = "";
    public string ConnectionString { get; private set; } = "";
    public Guid ModeratorId { get; private set; }
    public Wolverine.Runtime.IWolverineRuntime Bus => _app.Services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>();
    public StoreHolder Store => _app.Services.GetRequiredService<StoreHolder>();

    public string Url(string path) => BaseUrl + path;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync("browser");
        // The app's public address is its real one: the built-in Stripe sandbox is reached there (Stripe.net's base
        // URL, the checkout page's address) and delivers its webhooks to the app there (by default).
        var address = $"http://127.0.0.1:{FreePort()}";
        _app = WebApp.Build(["--urls", address, "--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Waardecheque"] = ConnectionString,
                [WebConfig.PublicBaseUrl] = address,
                [WebConfig.BootstrapAdminEmail] = AdminEmail,
                [WebConfig.BootstrapAdminPassword] = Password,
                [WebConfig.CodeKey] = CodeKey,
            }));
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single().TrimEnd('/');
        // Startup tasks (schema, store, bootstrap admin) run in the background: wait until the app is ready.
        using var http = new HttpClient();
        for (var i = 0; ; i++)
        {
            var ready = await http.GetAsync(Url("/health/ready"));
            if (ready.IsSuccessStatusCode) break;
            if (i > 150) throw new InvalidOperationException("The app did not become ready: " + await ready.Content.ReadAsStringAsync());
            await Task.Delay(200);
        }
        ModeratorId = await _app.Services.GetRequiredService<StaffAccounts>().CreateAsync(ModeratorEmail, Password, Roles.Moderator);
    }

    /// <summary>A loopback port nobody listens on now (asked of the OS, then released for the app to take).</summary>
    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static readonly MessageContext Seeder = new("system:browser-test");

    /// <summary>A program that is open now, with its households imported and cheques issued (through the commands).</summary>
    public async Task<SeededProgram> SeedProgramAsync(string name, params (string Street, int Number)[] addresses)
    {
        var programId = await SeedProgramWithoutChequesAsync(name, addresses);
        await ChequeIssuing.IssueAsync(Store.Store, programId, Seeder, TimeProvider.System);


        var cheques = new List<SeededCheque>();
        await using var cmd = Store.Store.DataSource.CreateCommand("""
            select c.id, h.street, h.huisnummer from rm_cheques c join rm_households h on h.id = c.household_id
            where c.program_id = $1 order by h.huisnummer
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                cheques.Add(new SeededCheque(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2),
                    ChequeCode.Derive(KeyBytes, reader.GetGuid(0))));
        return new SeededProgram(programId, cheques);
    }

    /// <summary>A program that is open now with its households imported, but no cheques issued yet.</summary>
    public async Task<Guid> SeedProgramWithoutChequesAsync(string name, params (string Street, int Number)[] addresses)
    {
        var programId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await Bus.InvokeCommandAsync(new CreateProgram(programId, name, "GM0637",
            [new Buurt("BU06370301", "Tuinen"), new Buurt("BU06370302", "Vaarten")], 750,
            now.AddDays(-1), now.AddDays(60)), Seeder);
        await Bus.InvokeCommandAsync(new OpenProgram(programId), Seeder);
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        foreach (var (street, number) in addresses) csv.Append($"2716 AB,{number},,,{street},BU06370301\n");
        await Bus.InvokeCommandAsync(new ImportHouseholds(programId, csv.ToString()), Seeder);
        return programId;
    }

    public Task ActivateAsync(SeededCheque cheque) =>
        Bus.InvokeCommandAsync(new ActivateCheque(cheque.Id), new MessageContext($"cheque:{cheque.Id}"));

    /// <summary>An approved idea for the cheque's street, proposed by that (activated) cheque.</summary>
    public async Task<Guid> OpenIdeaAsync(SeededCheque initiator, string title, long targetCents)
    {
        var id = Guid.CreateVersion7();
        await Bus.InvokeCommandAsync(new ProposeIdea(id, initiator.Id, title, "Samen met de buren.",
            Scope.ForStreet("BU06370301", initiator.Street), targetCents, DateTimeOffset.UtcNow.AddDays(30)),
            new MessageContext($"cheque:{initiator.Id}"));
        await Bus.InvokeCommandAsync(new ApproveIdea(id, ModeratorId), new MessageContext($"staff:{ModeratorId}"));
        return id;
    }

    public Task PledgeAsync(SeededCheque cheque, Guid ideaId, long cents) =>
        Bus.InvokeCommandAsync(new Pledge(ideaId, cheque.Id, cents), new MessageContext($"cheque:{cheque.Id}"));

    /// <summary>The events of one stream as (type, json, actor), oldest first.</summary>
    public async Task<List<(string Type, string Data, string? Actor)>> EventsAsync(Guid streamId)
    {
        await using var cmd = Store.Store.DataSource.CreateCommand(
            "select type, data::text, user_name from mt_events where stream_id = $1 order by version");
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        var list = new List<(string, string, string?)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return list;
    }
}

public sealed record SeededCheque(Guid Id, string Street, int Number, ChequeCode Code);

public sealed record SeededProgram(Guid Id, IReadOnlyList<SeededCheque> Cheques);
