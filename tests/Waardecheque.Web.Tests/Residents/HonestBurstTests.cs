using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Cheques;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Residents;

/// <summary>
/// The in-memory host has no client address; here a test header gives each test its own, as a real port would
/// (the limiter under test still sees only <c>Connection.RemoteIpAddress</c>).
/// </summary>
internal sealed class ClientAddressFromTestHeader : IStartupFilter
{
    public const string Header = "X-Test-Client";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (IPAddress.TryParse(http.Request.Headers[Header], out var address)) http.Connection.RemoteIpAddress = address;
            return nextMiddleware(http);
        });
        next(app);
    };
}

public sealed class HonestBurstWorld : ApiWorld
{
    public const int Limit = 5;
    public const int Households = 70;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [WebConfig.CodeAttemptLimit] = $"{Limit}" };
    protected override Action<IServiceCollection> Services => s => s.AddSingleton<IStartupFilter, ClientAddressFromTestHeader>();
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await CreateProgramAsync();
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        for (var n = 1; n <= Households; n++) csv.Append($"2716 BA,{n},,,Rozentuin,{Tuinen}\n");
        await OkJsonAsync(await ImportAsync(ProgramId, csv.ToString()));
        await PostJsonAsync($"/api/v1/programs/{ProgramId}/open", Admin);
        await PostJsonAsync($"/api/v1/programs/{ProgramId}/cheques/issue", Admin);
    }

    /// <summary>A second app process on the same database, as behind a load balancer.</summary>
    public TestApp SecondProcess() => TestApp.StartOn(App.ConnectionString, new Dictionary<string, string?>
    {
        [WebConfig.CodeKey] = CodeKey,
        [WebConfig.CodeAttemptLimit] = $"{Limit}",
    }, Services);
}

/// <summary>
/// Neighbours signing in together from one address (a walk-in point, community-centre wifi, carrier NAT) are not an
/// attack: only failed guesses count, so right codes never get 429 because of each other. Guessers still get exactly
/// the limit of real answers, also when their burst is spread over two app processes.
/// </summary>
public sealed class HonestBurstTests(HonestBurstWorld w) : IClassFixture<HonestBurstWorld>
{
    private static HttpRequestMessage SignIn(string code, string address) => new(HttpMethod.Post, "/api/v1/resident/sessions")
    {
        Content = System.Net.Http.Json.JsonContent.Create(new { code }),
        Headers = { { ClientAddressFromTestHeader.Header, address } },
    };

    private static string Unknown(int i) => ChequeCode.FromValue(4200 + (ulong)i).ToString();

    [Fact]
    public async Task sixty_neighbours_sign_in_at_once_from_one_address_and_all_get_in()
    {
        var responses = await Task.WhenAll(Enumerable.Range(1, 60)
            .Select(n => Task.Run(() => w.Client.SendAsync(SignIn(ApiWorld.CodeFor(w.ProgramId, "Rozentuin", n), "192.0.2.10")))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task a_parallel_burst_of_wrong_codes_over_two_processes_gets_exactly_the_limit_of_answers()
    {
        await using var second = w.SecondProcess();
        var secondClient = second.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => (i % 2 == 0 ? w.Client : secondClient).SendAsync(SignIn(Unknown(i), "192.0.2.20")))));

        Assert.Equal(HonestBurstWorld.Limit, responses.Count(r => r.StatusCode == HttpStatusCode.NotFound));
        Assert.Equal(40 - HonestBurstWorld.Limit, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.NotNull(r.Headers.RetryAfter));
        // Blocked, a right code is refused like a wrong one: 429 tells nothing about the code.
        var right = await w.Client.SendAsync(SignIn(ApiWorld.CodeFor(w.ProgramId, "Rozentuin", 61), "192.0.2.20"));
        await right.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task typos_caught_by_the_check_character_never_count()
    {
        var good = ApiWorld.CodeFor(w.ProgramId, "Rozentuin", 62).Replace("-", "");
        var typos = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".Where(c => c != good[0]).Select(c => c + good[1..])
            .Where(t => !ChequeCode.TryParse(t, out _)).Take(20).ToList();
        Assert.Equal(20, typos.Count);

        foreach (var typo in typos)
            await (await w.Client.SendAsync(SignIn(typo, "192.0.2.30"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        for (var i = 0; i < HonestBurstWorld.Limit; i++)
            await (await w.Client.SendAsync(SignIn(Unknown(100 + i), "192.0.2.30"))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        await (await w.Client.SendAsync(SignIn(Unknown(200), "192.0.2.30"))).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }
}
