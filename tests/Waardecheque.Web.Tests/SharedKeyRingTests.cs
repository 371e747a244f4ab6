using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// The Data Protection keys (antiforgery tokens) live in PostgreSQL, so a form served by one app process is accepted
/// by another one behind the same load balancer.
/// </summary>
public sealed partial class SharedKeyRingTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        [WebConfig.CodeKey] = ApiWorld.CodeKey,
    };

    private TestApp _first = null!;
    private TestApp _second = null!;

    public async Task InitializeAsync()
    {
        _first = await TestApp.StartAsync(nameof(SharedKeyRingTests), Settings);
        _second = new TestApp(_first.ConnectionString, Settings);
        _ = _second.Server;
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task a_form_from_one_process_is_accepted_by_another_and_a_forged_token_is_not()
    {
        var (cookie, token) = await LoginFormAsync(_first);

        var accepted = await PostLoginAsync(_second, cookie, token);
        var forged = await PostLoginAsync(_second, cookie, token[..^4] + "AAAA");

        // Past the antiforgery check, the wrong password is what the second process answers.
        Assert.Equal(HttpStatusCode.Unauthorized, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await using var db = NpgsqlDataSource.Create(_first.ConnectionString);
        await using var count = db.CreateCommand("select count(*) from waardecheque.data_protection_keys");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private static async Task<(string Cookie, string Token)> LoginFormAsync(TestApp app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var page = await client.GetAsync("/beheer/inloggen");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("wc_af=")).Split(';')[0];
        var token = TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(token);
        return (cookie, token);
    }

    private static Task<HttpResponseMessage> PostLoginAsync(TestApp app, string cookie, string token)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/beheer/inloggen")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__af"] = token, ["email"] = TestApp.AdminEmail, ["password"] = "niet het wachtwoord",
            }),
        };
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
