using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api;

public sealed class RoleMatrixWorld : ApiWorld
{
    public string Resident { get; private set; } = "";
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        Resident = await ResidentAsync(ProgramId, "Rozentuin", 1);
    }
}

/// <summary>
/// Every route of the API against every kind of caller: who is let through (any answer but 401/403, even 404 for the
/// made-up ids used here) and who is refused, and with which status. One table, so a new route without a check shows.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixWorld w) : IClassFixture<RoleMatrixWorld>
{
    [Flags]
    public enum Who { None = 0, Anonymous = 1, Resident = 2, Moderator = 4, Auditor = 8, Admin = 16, Staff = Moderator | Auditor | Admin, All = 31 }

    private static readonly Guid X = Guid.CreateVersion7();

    /// <summary>(method, route, body kind, who gets through). Anything else gets 401 (anonymous) or 403.</summary>
    public static readonly (string Method, string Route, string Body, Who Allowed)[] Routes =
    [
        ("POST", "/api/v1/programs", "json", Who.Admin),
        ("GET", "/api/v1/programs", "", Who.Staff),
        ("GET", "/api/v1/programs/{x}", "", Who.All),
        ("POST", "/api/v1/programs/{x}/open", "json", Who.Admin),
        ("POST", "/api/v1/programs/{x}/close", "json", Who.Admin),
        ("POST", "/api/v1/programs/{x}/households", "csv", Who.Admin),
        ("POST", "/api/v1/programs/{x}/cheques/issue", "json", Who.Admin),
        ("GET", "/api/v1/programs/{x}/letters.pdf", "", Who.Admin),
        ("GET", "/api/v1/cheques/{x}", "", Who.Staff),
        ("POST", "/api/v1/cheques/{x}/block", "json", Who.Admin),
        ("POST", "/api/v1/cheques/{x}/reissue", "json", Who.Admin),
        ("GET", "/api/v1/cheques/{x}/qr.svg", "", Who.Admin),   // a code is the household's key: DOMAIN.md "Who sees a code"
        ("GET", "/api/v1/cheques/{x}/qr.png", "", Who.Admin),
        ("GET", "/api/v1/resident/cheque", "", Who.Resident),
        ("GET", "/api/v1/programs/{x}/ideas", "", Who.All),
        ("GET", "/api/v1/ideas/{x}", "", Who.All),
        ("POST", "/api/v1/ideas", "json", Who.Resident),
        ("POST", "/api/v1/ideas/{x}/approve", "json", Who.Admin | Who.Moderator),
        ("POST", "/api/v1/ideas/{x}/reject", "json", Who.Admin | Who.Moderator),
        ("POST", "/api/v1/ideas/{x}/withdraw", "json", Who.Resident | Who.Admin | Who.Moderator),
        ("POST", "/api/v1/ideas/{x}/complete", "json", Who.Admin | Who.Moderator),
        ("POST", "/api/v1/ideas/{x}/pledges", "json", Who.Resident),
        ("DELETE", "/api/v1/ideas/{x}/pledges/mine", "", Who.Resident),
        ("POST", "/api/v1/ideas/{x}/collect", "json", Who.Resident),
        ("POST", "/api/v1/ideas/{x}/expenses", "form", Who.Resident),
        ("GET", "/api/v1/expenses/{x}/receipt", "", Who.Resident | Who.Staff),
        ("POST", "/api/v1/expenses/{x}/approve", "json", Who.Admin | Who.Moderator),
        ("POST", "/api/v1/expenses/{x}/reject", "json", Who.Admin | Who.Moderator),
        ("POST", "/api/v1/expenses/{x}/paid", "json", Who.Admin | Who.Moderator),
        ("GET", "/api/v1/programs/{x}/audit", "", Who.Admin | Who.Auditor),
        ("GET", "/api/v1/programs/{x}/journal.csv", "", Who.Admin | Who.Auditor),
        ("GET", "/api/v1/streams/{x}/events", "", Who.Admin | Who.Auditor),
        ("GET", "/api/v1/audit/verify", "", Who.Admin | Who.Auditor),
        ("POST", "/api/v1/staff", "json", Who.Admin),
        ("GET", "/api/v1/staff", "", Who.Admin),
        ("POST", "/api/v1/resident/sessions", "json", Who.Anonymous | Who.Resident),   // staff: only with onBehalf, below
        ("POST", "/api/v1/staff/sessions", "json", Who.All),
    ];

    /// <summary>The resident routes a connector (or admin) may use on behalf of a household, and an auditor never.</summary>
    public static readonly (string Method, string Route, string Body)[] OnBehalfRoutes =
    [
        ("GET", "/api/v1/resident/cheque?onBehalf=true&chequeId={c}", ""),
        ("POST", "/api/v1/ideas", "json"),
        ("POST", "/api/v1/ideas/{x}/pledges", "json"),
        ("DELETE", "/api/v1/ideas/{x}/pledges/mine?onBehalf=true&chequeId={c}", ""),
        ("POST", "/api/v1/ideas/{x}/collect", "json"),
        ("POST", "/api/v1/ideas/{x}/expenses", "form"),
        ("POST", "/api/v1/resident/sessions", "json"),
    ];

    public static IEnumerable<object[]> OnBehalfCases() =>
        from r in OnBehalfRoutes
        from who in new[] { Who.Moderator, Who.Admin, Who.Auditor, Who.Resident }
        select new object[] { r.Method, r.Route, r.Body, who };

    [Theory]
    [MemberData(nameof(OnBehalfCases))]
    public async Task only_connectors_and_admins_act_on_behalf_of_a_household(string method, string route, string body, Who caller)
    {
        var chequeId = ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 2);
        var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{x}", X.ToString()).Replace("{c}", chequeId.ToString()));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            caller switch { Who.Moderator => w.Moderator, Who.Admin => w.Admin, Who.Auditor => w.Auditor, _ => w.Resident });
        request.Content = body switch
        {
            "json" => JsonContent(new { onBehalf = true, chequeId, code = ApiWorld.CodeFor(w.ProgramId, "Rozentuin", 2) }),
            "form" => ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt,
                extra: new Dictionary<string, string> { ["onBehalf"] = "true", ["chequeId"] = chequeId.ToString() }),
            _ => null,
        };

        var response = await w.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        if (caller is Who.Moderator or Who.Admin)
            Assert.True((int)response.StatusCode is not 401 and not 403, $"{caller} on behalf {method} {route}: {(int)response.StatusCode} {text}");
        else
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{caller} on behalf {method} {route}: {(int)response.StatusCode} {text}");
    }

    [Theory]
    [InlineData("POST", "/api/v1/ideas/{x}/pledges")]
    [InlineData("POST", "/api/v1/ideas")]
    [InlineData("GET", "/api/v1/resident/cheque")]
    public async Task staff_without_on_behalf_are_told_how_to_act_for_a_household(string method, string route)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{x}", X.ToString()));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", w.Moderator);
        if (method == "POST") request.Content = JsonContent(new { amountCents = 100 });

        var problem = await (await w.Client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Contains("onBehalf", problem.GetProperty("detail").GetString());
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    public static IEnumerable<object[]> Cases() =>
        from r in Routes
        from who in new[] { Who.Anonymous, Who.Resident, Who.Moderator, Who.Auditor, Who.Admin }
        select new object[] { r.Method, r.Route, r.Body, r.Allowed, who };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task every_route_lets_through_only_its_roles(string method, string route, string body, Who allowed, Who caller)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{x}", X.ToString()));
        var token = caller switch
        {
            Who.Resident => w.Resident,
            Who.Moderator => w.Moderator,
            Who.Auditor => w.Auditor,
            Who.Admin => w.Admin,
            _ => null,
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = body switch
        {
            // Deliberately empty or harmless: a caller who gets through fails on the made-up id, never changes anything.
            "json" => new StringContent("{}", Encoding.UTF8, "application/json"),
            "csv" => new StringContent("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n", Encoding.UTF8, "text/csv"),
            "form" => ApiWorld.ExpenseForm(100, ApiWorld.PdfReceipt),
            _ => null,
        };

        var response = await w.Client.SendAsync(request);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (allowed.HasFlag(caller))
        {
            Assert.True(status is not 401 and not 403, $"{caller} was refused {method} {route}: {status} {text}");
        }
        else
        {
            var expected = caller == Who.Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
            Assert.True(expected == response.StatusCode, $"{caller} {method} {route}: expected {(int)expected}, got {status} {text}");
            Assert.Equal(expected == HttpStatusCode.Unauthorized ? "unauthorized" : "forbidden",
                JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task the_table_covers_every_api_route_in_the_openapi_document()
    {
        var document = await w.GetJsonAsync("/openapi/v1.json");
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {Normalise(p.Name)}"))
            .Where(r => r.Contains("/api/v1/") && !r.Contains("/payments/") && !r.Contains("/sessions/current") && !r.Contains("/topups"))
            .ToHashSet();
        var table = Routes.Select(r => $"{r.Method} {Normalise(r.Route)}").ToHashSet();

        Assert.Empty(documented.Except(table));
        Assert.Empty(table.Except(documented));
    }

    [Fact]
    public async Task every_api_operation_is_documented_with_a_name_a_summary_and_its_problems()
    {
        var document = await w.GetJsonAsync("/openapi/v1.json");
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/")))
        foreach (var operation in path.Value.EnumerateObject())
        {
            var where = $"{operation.Name} {path.Name}";
            var op = operation.Value;
            Assert.True(op.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 10, $"{where} has no summary");
            if (path.Name.Contains("/staff") || path.Name.Contains("/sessions/current")) continue;   // the host's own endpoints
            Assert.True(op.TryGetProperty("operationId", out _), $"{where} has no operationId");
            var responses = op.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.True(responses.Any(r => r.StartsWith('2')), $"{where} documents no success");
            Assert.True(responses.Any(r => r.StartsWith('4')), $"{where} documents no problem");
        }
    }

    private static string Normalise(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, "\\{[^}]+\\}", "{}");
}
