using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.Expenses;
using Waardecheque.Web.Tests.Support;
using Xunit.Abstractions;

namespace Waardecheque.Web.Tests.Api;

/// <summary>A program with everything an endpoint can be pointed at: cheques, an open idea, a funded one with an expense.</summary>
public sealed class FuzzWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }
    public Guid DraftProgramId { get; private set; }
    public Guid OpenIdea { get; private set; }
    public Guid FundedIdea { get; private set; }
    public Guid ExpenseId { get; private set; }
    public string Resident { get; private set; } = "";
    public string Initiator { get; private set; } = "";
    public Guid[] ChequeIds { get; private set; } = [];

    /// <summary>A top-up that passes the rules reaches Stripe: here the built-in sandbox, in memory.</summary>
    protected override Action<IServiceCollection>? Services => InMemoryStripe.Use;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        DraftProgramId = await CreateProgramAsync();
        Resident = await ResidentAsync(ProgramId, "Rozentuin", 1);
        OpenIdea = await OpenIdeaAsync(Resident, Street("Rozentuin"), 2_000);
        Initiator = await ResidentAsync(ProgramId, "Rozentuin", 5);
        FundedIdea = await OpenIdeaAsync(Initiator, Street("Rozentuin"), 300);
        foreach (var n in new[] { 6, 7, 8 })
            await OkJsonAsync(await PledgeAsync(FundedIdea, await ResidentAsync(ProgramId, "Rozentuin", n), 100), HttpStatusCode.Created);
        ExpenseId = (await OkJsonAsync(await SendAsync(HttpMethod.Post, $"/api/v1/ideas/{FundedIdea}/expenses", Initiator,
            ExpenseForm(100, PdfReceipt)), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        ChequeIds = [.. StandardStreets.SelectMany(s => Enumerable.Range(s.From, s.To - s.From + 1).Select(n => ChequeOf(ProgramId, s.Street, n)))];
    }

    /// <summary>
    /// Until the outbox holds nothing due (Wolverine's local queue, or its schedule polled once a second, so a follow-up such as releasing the pledges
    /// of a withdrawn idea can start up to a second after the answer) and the stored state stops changing.
    /// </summary>
    public async Task SettledAsync()
    {
        var state = await StoredStateAsync();
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(50);
            var next = await StoredStateAsync();
            if (next == state && await NothingDueAsync()) return;
            state = next;
        }
    }

    private async Task<bool> NothingDueAsync()
    {
        await using var db = NpgsqlDataSource.Create(App.ConnectionString);
        // Follow-ups wait in Wolverine's envelopes (Incoming, or Scheduled and due); the old outbox table is gone.
        await using var cmd = db.CreateCommand("""
            select not exists (select 1 from wolverine_incoming_envelopes
                               where status = 'Incoming' or (status = 'Scheduled' and execution_time <= now()))
            """);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>What a refused request must leave as it was: the event log and every table built from it or beside it.</summary>
    public async Task<string> StoredStateAsync()
    {
        await using var db = NpgsqlDataSource.Create(App.ConnectionString);
        await using var cmd = db.CreateCommand("""
            select (select count(*) from mt_events), (select count(*) from mt_streams),
                   (select count(*) from rm_programs), (select count(*) from rm_households), (select count(*) from rm_cheques),
                   (select count(*) from rm_ideas), (select count(*) from rm_pledges), (select count(*) from rm_expenses),
                   (select count(*) from waardecheque.staff), (select count(*) from waardecheque.receipts)
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetInt64(i)));
    }
}

/// <summary>
/// QUALITY.md "Bad input", for every API endpoint the app maps (read from its EndpointDataSource, so a new endpoint is
/// fuzzed without touching this test) with the fields its OpenAPI description names: random Unicode with lone
/// surrogates and control characters, huge, negative and fractional numbers, 1e400, wrong types, deep nesting,
/// duplicate keys, missing and extra fields, and bodies and query strings that are no JSON or no UTF-8 at all.
/// Whatever comes in: never a 5xx; every refusal is problem+json with a code; a refusal stores nothing.
/// Seeded: set WAARDECHEQUE_FUZZ_SEED to replay a failure (the seed is in every failure message),
/// WAARDECHEQUE_FUZZ_CASES for more cases per endpoint. A developer's run takes a new seed each time and so explores;
/// CI (CI=true) runs one known seed, so that a merge is judged on the code it brings, not on a new seed's luck.
/// </summary>
public sealed class FuzzTests(FuzzWorld w, ITestOutputHelper output) : IClassFixture<FuzzWorld>
{
    /// <summary>CI's seed (any seed that passed would do; this one passed when it was chosen, with 12 and 40 cases).</summary>
    public const int CiSeed = 20261207;

    private sealed record Endpoint(string Method, string Route, string Authorization);

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("WAARDECHEQUE_FUZZ_SEED"), out var s) ? s
        : Environment.GetEnvironmentVariable("CI") == "true" ? CiSeed
        : Random.Shared.Next();

    [Fact]
    public async Task no_input_to_any_endpoint_gives_a_5xx_or_a_refusal_without_a_code_or_stores_anything_on_a_refusal()
    {
        var seed = Seed();
        var perEndpoint = int.TryParse(Environment.GetEnvironmentVariable("WAARDECHEQUE_FUZZ_CASES"), out var c) ? c : 12;
        output.WriteLine($"fuzz seed {seed} (WAARDECHEQUE_FUZZ_SEED={seed} replays it)");
        var values = new FuzzValues(new Random(seed));
        var document = await w.GetJsonAsync("/openapi/v1.json");
        var endpoints = ApiEndpoints();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} API endpoints found");

        var sent = 0;
        foreach (var endpoint in endpoints)
        {
            var statuses = new List<int>();
            for (var i = 0; i < perEndpoint; i++)
            {
                using var request = Build(endpoint, document, values, out var what);
                var before = await w.StoredStateAsync();
                var response = await w.Client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                statuses.Add(status);
                var body = await response.Content.ReadAsStringAsync();
                var context = $"seed {seed}, {endpoint.Method} {request.RequestUri} ({what}) -> {status}: {Shorten(body)}";
                if (Environment.GetEnvironmentVariable("WAARDECHEQUE_FUZZ_TRACE") is not null) output.WriteLine(context);

                Assert.True(status < 500, context);
                if (status >= 400)
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", context);
                    using var problem = JsonDocument.Parse(body);
                    Assert.True(problem.RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 }, context);
                    Assert.True(before == await w.StoredStateAsync(), $"stored something on a refusal: {context}");
                }
                // What a success started in the background (closing a program expires its ideas through the outbox)
                // must be done before the next case counts, or its writes would be blamed on that case.
                else if (endpoint.Method != "GET") await w.SettledAsync();
            }
            // How deep the cases got: a route that only ever answers 400 is not being exercised.
            output.WriteLine($"{endpoint.Method} {endpoint.Route}: {string.Join(" ", statuses.Order())}");
        }
        output.WriteLine($"{sent} requests to {endpoints.Count} endpoints");
    }

    /// <summary>Every API route with its method and who may call it; the ones that change most last, so the others meet a live program.</summary>
    private List<Endpoint> ApiEndpoints()
    {
        var sources = w.App.Services.GetRequiredService<EndpointDataSource>();
        var list = new List<Endpoint>();
        foreach (var route in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + route.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal)) continue;
            var methods = route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var authorization = route.Metadata.GetMetadata<IAllowAnonymous>() is not null ? "anonymous"
                : route.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "any").LastOrDefault() ?? "anonymous";
            list.AddRange(methods.Select(m => new Endpoint(m, pattern, authorization)));
        }
        string[] last = ["/withdraw", "/reject", "/block", "/reissue", "/complete", "/close"];
        return [.. list.OrderBy(e => last.Any(l => e.Route.EndsWith(l, StringComparison.Ordinal))).ThenBy(e => e.Route).ThenBy(e => e.Method)];
    }

    private HttpRequestMessage Build(Endpoint endpoint, JsonElement document, FuzzValues v, out string what)
    {
        var operation = Operation(document, endpoint);
        var path = FillPath(endpoint.Route, v);
        var query = Query(operation, v);
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path + query);
        var token = Token(endpoint, v);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (v.Chance(0.15)) request.Headers.TryAddWithoutValidation("Idempotency-Key", v.Pick(["k-" + v.Random.Next(), "", new string('k', 500), "ä ö"]));

        what = "no body";
        if (endpoint.Method is "POST" or "PUT" or "PATCH" || v.Chance(0.1))
        {
            var (content, description) = Body(operation, document, v);
            request.Content = content;
            what = description;
        }
        return request;
    }

    private static JsonElement? Operation(JsonElement document, Endpoint endpoint) =>
        document.GetProperty("paths").TryGetProperty(endpoint.Route.Replace(":guid", ""), out var path)
        && path.TryGetProperty(endpoint.Method.ToLowerInvariant(), out var op) ? op : null;

    private string FillPath(string route, FuzzValues v)
    {
        if (!route.Contains('{')) return route;
        Guid[] candidates = route switch
        {
            _ when route.StartsWith("/api/v1/programs/", StringComparison.Ordinal) => [w.ProgramId, w.DraftProgramId],
            _ when route.StartsWith("/api/v1/ideas/", StringComparison.Ordinal) => [w.OpenIdea, w.FundedIdea],
            _ when route.StartsWith("/api/v1/cheques/", StringComparison.Ordinal) => [.. w.ChequeIds.Take(4)],
            _ when route.StartsWith("/api/v1/expenses/", StringComparison.Ordinal) => [w.ExpenseId],
            _ => [w.ProgramId, w.OpenIdea, w.ChequeIds[0]],
        };
        var id = v.Random.Next(10) switch
        {
            0 => Guid.NewGuid().ToString(),
            // No %00 here: the in-memory host refuses a NUL in a path before the app sees it (Kestrel answers it itself).
            1 => v.Pick(["not-a-guid", "%FF", "00000000-0000-0000-0000-000000000000", new string('f', 40)]),
            _ => v.Pick(candidates).ToString(),
        };
        return System.Text.RegularExpressions.Regex.Replace(route, "{[^}]+}", id);
    }

    private string Query(JsonElement? operation, FuzzValues v)
    {
        var names = new List<string>();
        if (operation is { } op && op.TryGetProperty("parameters", out var parameters))
            names.AddRange(parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!));
        if (v.Chance(0.2)) names.Add("extra");
        if (names.Count == 0) return "";
        // Mostly one hostile parameter among plausible ones, so the hostile one is what the endpoint has to deal with.
        var hostile = v.Pick(names);
        var parts = names.Where(n => n == hostile || v.Chance(0.8))
            .Select(n => $"{n}={(n == hostile && v.Chance(0.8) ? v.NastyQueryValue() : PlausibleQueryValue(n, v))}").ToList();
        if (v.Chance(0.1) && parts.Count > 0) parts.Add(parts[0]);   // the same parameter twice
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private string PlausibleQueryValue(string name, FuzzValues v) => name switch
    {
        "state" => v.Pick(["open", "funded,expired", ""]),
        "buurt" => ApiWorld.Tuinen,
        "street" => "Rozentuin",
        "onBehalf" => "false",
        "chequeId" => v.Pick(w.ChequeIds).ToString(),
        _ => "1",
    };

    private (HttpContent Content, string What) Body(JsonElement? operation, JsonElement document, FuzzValues v)
    {
        JsonElement? content = operation is { } op && op.TryGetProperty("requestBody", out var rb) ? rb.GetProperty("content") : null;
        if (content is { } ct && ct.TryGetProperty("multipart/form-data", out var form) && v.Chance(0.8)) return Multipart(form, document, v);
        if (content is { } csv && csv.TryGetProperty("text/csv", out _) && v.Chance(0.8)) return Csv(v);

        var schema = content is { } json && json.TryGetProperty("application/json", out var media) ? Resolve(document, media.GetProperty("schema")) : (JsonElement?)null;
        var mediaType = v.Chance(0.9) ? "application/json" : v.Pick(["text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1"]);
        if (v.Chance(0.15))
        {
            var nasty = v.NastyBody();
            return (Raw(nasty, mediaType), "body " + Shorten(nasty));
        }
        var properties = Properties(schema, document, v, depth: 0);
        var what = "fields";
        if (properties.Count > 0)
        {
            // Often a text field: with the rest valid, hostile text reaches the rules and (if they let it) the database.
            var textFields = Enumerable.Range(0, properties.Count).Where(i => IsPlainText(schema, document, properties[i].Name)).ToList();
            var victim = textFields.Count > 0 && v.Chance(0.6) ? v.Pick(textFields) : v.Random.Next(properties.Count);
            switch (v.Random.Next(8))
            {
                case 0: properties.RemoveAt(victim); what = "a field missing"; break;
                case 1: properties.Add((properties[victim].Name, v.NastyValue())); what = $"{properties[victim].Name} twice"; break;
                case 2: properties.Add(("extra" + v.Random.Next(100), v.NastyValue())); what = "an extra field"; break;
                default:
                    // Text fields mostly get hostile text: the rest of the body is valid, so it reaches the rules and the database.
                    var isText = properties[victim].Value.StartsWith('"');
                    properties[victim] = (properties[victim].Name, isText && v.Chance(0.7) ? v.NastyText() : v.NastyValue());
                    what = $"{properties[victim].Name} = {Shorten(properties[victim].Value)}";
                    break;
            }
        }
        var text = FuzzValues.Object(properties);
        if (v.Chance(0.05)) return (new ByteArrayContent([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]) { Headers = { { "Content-Type", mediaType } } }, "invalid UTF-8");
        return (Raw(text, mediaType), what);
    }

    private static bool IsPlainText(JsonElement? schema, JsonElement document, string name)
    {
        if (schema is not { } s || !s.TryGetProperty("properties", out var properties) || !properties.TryGetProperty(name, out var p)) return false;
        var property = Resolve(document, p);
        var isString = property.TryGetProperty("type", out var t) &&
                       (t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Any(x => x.GetString() == "string") : t.GetString() == "string");
        return isString && !property.TryGetProperty("format", out _);
    }

    /// <summary>A plausible value for each field of the schema, so that most requests get past the reader to the rules.</summary>
    private List<(string Name, string Value)> Properties(JsonElement? schema, JsonElement document, FuzzValues v, int depth)
    {
        var list = new List<(string, string)>();
        if (schema is not { } s || !s.TryGetProperty("properties", out var properties)) return list;
        foreach (var property in properties.EnumerateObject())
            list.Add((property.Name, Plausible(property.Name, Resolve(document, property.Value), document, v, depth)));
        return list;
    }

    private string Plausible(string name, JsonElement schema, JsonElement document, FuzzValues v, int depth)
    {
        if (v.Chance(0.03)) return v.NastyValue();
        var types = schema.TryGetProperty("type", out var t)
            ? t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(x => x.GetString()!)] : new[] { t.GetString()! }
            : ["object"];
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format == "uuid") return Quote(v.Pick([w.ProgramId, w.OpenIdea, w.ChequeIds[1], Guid.NewGuid()]).ToString());
        if (format == "date-time")
            return Quote(DateTimeOffset.UtcNow.AddDays(name == "opensAt" ? -1 : v.Random.Next(10, 50)).ToString("O"));
        if (types.Contains("integer") || types.Contains("number"))
            return name switch
            {
                "minHouseholdsPerIdea" => "3",
                "chequeValueCents" => "750",
                "maxIdeaTargetCents" => "150000",
                "maxTopUpCents" => "25000",
                _ when name.EndsWith("Cents", StringComparison.Ordinal) => v.Pick(["100", "300", "2000"]),
                _ => v.Random.Next(-10, 5_000).ToString(),
            };
        if (types.Contains("boolean")) return v.Chance(0.5) ? "true" : "false";
        if (types.Contains("array"))
        {
            if (depth > 2 || !schema.TryGetProperty("items", out var items)) return "[]";
            var item = Resolve(document, items);
            // One item: two plausible items would often be the same buurt twice, refused before the field under test matters.
            return v.Chance(0.1) ? "[]" : "[" + Plausible(name, item, document, v, depth + 1) + "]";
        }
        if (types.Contains("string")) return Quote(PlausibleText(name, depth, v));
        return depth > 2 ? "{}" : FuzzValues.Object(Properties(schema, document, v, depth + 1));
    }

    private string PlausibleText(string name, int depth, FuzzValues v) => name switch
    {
        "code" when depth > 0 => v.Pick([ApiWorld.Tuinen, ApiWorld.Vaarten]),   // a buurt in a program's list
        "name" when depth > 0 => v.Pick(["Tuinen", "Vaarten"]),
        "code" => v.Chance(0.5) ? ApiWorld.CodeOf(v.Pick(w.ChequeIds)) : v.Pick(["K7QM-3XRP-9T2C-W", "0000-0000-0000-0", "oo1l"]),
        "email" => v.Pick(["nieuw" + v.Random.Next() + "@zoetermeer.example", TestApp.AdminEmail, "geen-adres"]),
        "password" => v.Pick(["een lang en geheim wachtwoord", "kort", TestApp.AdminPassword]),
        "role" => v.Pick(["admin", "moderator", "auditor", "resident", "ADMIN"]),
        "kind" => v.Pick(["street", "buurt", "wijk"]),
        "buurtCode" => v.Pick([ApiWorld.Tuinen, ApiWorld.Vaarten, "BU00000000"]),
        "street" => v.Pick(["Rozentuin", "Kruidentuin", "Nergensstraat"]),
        "municipalityCode" => "GM0637",
        _ => v.Pick(["Een bankje bij de vijver", "Reden: past niet in de regels", "NL12 REF 3456", "Tuinen"]),
    };

    private (HttpContent, string) Multipart(JsonElement form, JsonElement document, FuzzValues v)
    {
        var multipart = new MultipartFormDataContent();
        var schema = Resolve(document, form.GetProperty("schema"));
        var fields = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => x.Name).ToList() : ["amountCents", "payee", "description"];
        var what = new List<string>();
        foreach (var field in fields.Where(_ => v.Chance(0.9)))
        {
            if (field == "receipt")
            {
                var bytes = v.Random.Next(3) switch
                {
                    0 => ApiWorld.PdfReceipt,
                    1 => Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"),
                    _ => [],
                };
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue(v.Pick(["application/pdf", "image/png", "text/html"]));
                multipart.Add(file, "receipt", v.Pick(["bon.pdf", "../../etc/passwd", new string('n', 300) + ".pdf"]));
                continue;
            }
            var value = v.Chance(0.5) ? FormValue(field, v) : v.Pick(["", "\0", "a\u0000b", "1e400", "-5", "1.5", "9223372036854775808", "\t", new string('x', 3000), "\ud800"]);
            multipart.Add(new StringContent(value), field);
            what.Add(field);
        }
        return (multipart, "multipart " + string.Join(",", what));
    }

    private string FormValue(string field, FuzzValues v) => field switch
    {
        "amountCents" => v.Random.Next(-5, 500).ToString(),
        "onBehalf" => v.Pick(["true", "false", "ja"]),
        "chequeId" => v.Pick(w.ChequeIds).ToString(),
        _ => "Tuincentrum",
    };

    private static (HttpContent, string) Csv(FuzzValues v)
    {
        var header = v.Chance(0.8) ? "postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n" : v.Pick(["", "a;b;c\n", "\uFEFFpostcode;huisnummer\n"]);
        var rows = string.Concat(Enumerable.Range(0, v.Random.Next(0, 4)).Select(_ => v.Random.Next(5) switch
        {
            0 => "2716 BA,99,,,Rozen\0tuin,BU06370301\n",
            1 => "0000 SA,-1,ab,TOOLONG,,BU1\n",
            2 => "2716 BA,1,,,\"unterminated,BU06370301\n",
            3 => $"2716 BA,{v.Random.Next(1, 99999)},,,Rozentuin,BU06370301\n",
            _ => "2716 BA,1e400,,,\t,BU06370301\n",
        }));
        var bytes = Encoding.UTF8.GetBytes(header + rows);
        if (v.Chance(0.2)) bytes = [.. bytes, 0xFF, 0xFE, 0x00];
        return (new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(v.Pick(["text/csv", "text/plain", "application/json"])) } },
            "csv " + Shorten(header + rows));
    }

    private string? Token(Endpoint endpoint, FuzzValues v)
    {
        // Signing out ends the token it is sent with; the world's tokens must live on for the other cases.
        if (endpoint.Method == "DELETE" && endpoint.Route.EndsWith("/sessions/current", StringComparison.Ordinal))
            return v.Pick<string?>([null, "garbage", "t\u00e9-token"]);
        string? right = endpoint.Authorization switch
        {
            Policies.Admin or Policies.Staff => w.Admin,
            Policies.Moderator => v.Pick([w.Moderator, w.Admin]),
            Policies.Auditor => v.Pick([w.Auditor, w.Admin]),
            "anonymous" => v.Pick<string?>([null, w.Resident]),
            _ => v.Pick([w.Resident, w.Initiator, w.Moderator]),
        };
        return v.Chance(0.8) ? right : v.Pick<string?>([null, w.Admin, w.Moderator, w.Auditor, w.Resident, "not-a-token", new string('t', 2000)]);
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        for (var i = 0; i < 5 && schema.TryGetProperty("$ref", out var r); i++)
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(r.GetString()!.Split('/')[^1]);
        return schema;
    }

    private static HttpContent Raw(string text, string mediaType) =>
        new ByteArrayContent(Encoding.UTF8.GetBytes(text)) { Headers = { { "Content-Type", mediaType } } };

    private static string Quote(string s) => JsonSerializer.Serialize(s);

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + $"... ({s.Length} chars)";
}
