using Microsoft.Extensions.Time.Testing;
using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Staff;

public sealed class StaffAuthFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await TestApp.StartAsync(nameof(StaffAuthTests), services: s => s.AddSingleton<TimeProvider>(Clock));

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class StaffAuthTests(StaffAuthFixture fixture) : IClassFixture<StaffAuthFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task the_bootstrap_admin_signs_in_with_the_configured_password()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/staff/sessions",
            new { email = TestApp.AdminEmail, password = TestApp.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("admin", body.GetProperty("role").GetString());
        Assert.Equal(43, body.GetProperty("token").GetString()!.Length);
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromHours(12), body.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task the_email_address_is_not_case_sensitive()
    {
        var token = await _client.SignInAsync("  " + TestApp.AdminEmail.ToUpperInvariant(), TestApp.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/probe/policy/admin", token)).StatusCode);
    }

    [Fact]
    public async Task a_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        var wrongPassword = await _client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = TestApp.AdminEmail, password = "geraden" });
        var unknownEmail = await _client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = "niemand@zoetermeer.example", password = "geraden" });

        var first = await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var second = await unknownEmail.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
        Assert.Equal(first.GetProperty("title").GetString(), second.GetProperty("title").GetString());
    }

    [Fact]
    public async Task a_sign_in_without_a_password_is_a_validation_problem()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/staff/sessions", new { email = TestApp.AdminEmail });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task adding_staff_without_a_token_is_401_with_a_bearer_challenge()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/staff", new { email = "x@zoetermeer.example", password = "twaalf tekens lang", role = "moderator" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task an_admin_adds_a_moderator_who_can_sign_in_but_cannot_add_staff()
    {
        var admin = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        var added = await _client.PostAsJsonAsync("/api/v1/staff",
            new { email = "verbinder@zoetermeer.example", password = "buurtverbinder-2026", role = "moderator" }, admin);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var moderator = await _client.SignInAsync("verbinder@zoetermeer.example", "buurtverbinder-2026");
        var attempt = await _client.PostAsJsonAsync("/api/v1/staff",
            new { email = "nog-een@zoetermeer.example", password = "buurtverbinder-2026", role = "admin" }, moderator);

        await attempt.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal($"staff:{id}", await (await _client.GetAsync("/probe/policy/moderator", moderator)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task the_staff_list_shows_roles_but_never_password_hashes()
    {
        var admin = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        var response = await _client.GetAsync("/api/v1/staff", admin);

        var body = await response.Content.ReadAsStringAsync();
        var staff = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
        Assert.Contains(staff, s => s.GetProperty("email").GetString() == TestApp.AdminEmail && s.GetProperty("role").GetString() == "admin");
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AQAAAA", body); // the prefix of every Identity v3 hash
    }

    [Fact]
    public async Task the_same_email_cannot_be_added_twice()
    {
        var admin = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var first = await _client.PostAsJsonAsync("/api/v1/staff",
            new { email = "dubbel@zoetermeer.example", password = "een-goed-wachtwoord", role = "auditor" }, admin);
        var second = await _client.PostAsJsonAsync("/api/v1/staff",
            new { email = "DUBBEL@zoetermeer.example", password = "een-ander-wachtwoord", role = "moderator" }, admin);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task new_staff_needs_a_valid_email_a_long_password_and_a_known_role()
    {
        var admin = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        var response = await _client.PostAsJsonAsync("/api/v1/staff", new { email = "geen-adres", password = "kort", role = "burgemeester" }, admin);

        var errors = (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
        Assert.True(errors.TryGetProperty("role", out _));
    }

    [Fact]
    public async Task each_policy_admits_exactly_its_roles()
    {
        var admin = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        foreach (var role in new[] { "moderator", "auditor" })
            await _client.PostAsJsonAsync("/api/v1/staff", new { email = $"{role}-policy@zoetermeer.example", password = "lang-genoeg-wachtwoord", role }, admin);
        var tokens = new Dictionary<string, string>
        {
            ["admin"] = admin,
            ["moderator"] = await _client.SignInAsync("moderator-policy@zoetermeer.example", "lang-genoeg-wachtwoord"),
            ["auditor"] = await _client.SignInAsync("auditor-policy@zoetermeer.example", "lang-genoeg-wachtwoord"),
            ["resident"] = (await Tokens.IssueResidentTokenAsync(Guid.CreateVersion7())).Token,
        };
        var admitted = new Dictionary<string, string[]>
        {
            ["admin"] = ["admin"],
            ["moderator"] = ["admin", "moderator"],
            ["auditor"] = ["admin", "auditor"],
            ["staff"] = ["admin", "moderator", "auditor"],
            ["resident"] = ["resident"],
        };

        foreach (var (policy, roles) in admitted)
        foreach (var (role, token) in tokens)
        {
            var status = (await _client.GetAsync($"/probe/policy/{policy}", token)).StatusCode;
            Assert.True((roles.Contains(role) ? HttpStatusCode.OK : HttpStatusCode.Forbidden) == status, $"{role} on {policy}: {status}");
        }
    }

    [Fact]
    public async Task a_resident_token_names_its_cheque_as_the_actor()
    {
        var chequeId = Guid.CreateVersion7();
        var issued = await Tokens.IssueResidentTokenAsync(chequeId);

        var me = await (await _client.GetAsync("/api/v1/sessions/current", issued.Token)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("resident", me.GetProperty("role").GetString());
        Assert.Equal($"cheque:{chequeId}", me.GetProperty("actor").GetString());
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromDays(30), issued.ExpiresAt);
    }

    [Fact]
    public async Task the_database_keeps_only_the_sha256_of_a_token()
    {
        var token = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var expectedHash = SHA256.HashData(Base64Url.DecodeFromChars(token));

        await using var db = new NpgsqlConnection(_app.ConnectionString);
        await db.OpenAsync();
        await using var byHash = new NpgsqlCommand("select kind, role from waardecheque.auth_sessions where token_hash = $1", db)
        {
            Parameters = { new() { Value = expectedHash } },
        };
        await using (var reader = await byHash.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("staff", reader.GetString(0));
            Assert.Equal("admin", reader.GetString(1));
        }
        await using var everything = new NpgsqlCommand("select string_agg(s::text || encode(token_hash, 'base64'), ' ') from waardecheque.auth_sessions s", db);
        var dump = (string)(await everything.ExecuteScalarAsync())!;
        Assert.DoesNotContain(token, dump);
        Assert.DoesNotContain(Convert.ToHexString(Base64Url.DecodeFromChars(token)), dump, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_staff_token_stops_working_after_twelve_hours()
    {
        var token = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/probe/policy/admin", token)).StatusCode);

        // Other tests share this clock; moving it forward only ever expires tokens, which every test fetches fresh.
        fixture.Clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1));

        var response = await _client.GetAsync("/probe/policy/admin", token);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.Single().Parameter);
    }

    [Fact]
    public async Task signing_out_ends_the_session()
    {
        var token = await _client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        var signOut = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions/current").WithBearer(token));

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await (await _client.GetAsync("/probe/policy/admin", token)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task revoking_a_cheque_ends_all_of_its_resident_sessions()
    {
        var chequeId = Guid.CreateVersion7();
        var phone = await Tokens.IssueResidentTokenAsync(chequeId);
        var laptop = await Tokens.IssueResidentTokenAsync(chequeId);

        var revoked = await Tokens.RevokeSubjectAsync(chequeId);

        Assert.Equal(2, revoked);
        Assert.Null(await Tokens.FindAsync(phone.Token));
        Assert.Null(await Tokens.FindAsync(laptop.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task a_token_we_did_not_issue_is_rejected(string token)
    {
        Assert.Null(await Tokens.FindAsync(token));
        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/probe/policy/staff")
        {
            Headers = { { "Authorization", "Bearer " + token } },
        });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private ISessionTokens Tokens => _app.Services.GetRequiredService<ISessionTokens>();
}
