using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Waardecheque.Domain;
using Waardecheque.Testing;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Tests.Api.Contract;

/// <summary>
/// The OpenAPI document as a contract (docs/api-decisions.md, "The OpenAPI document"): the checked-in copy is what the
/// app serves, a standard linter finds no error in it, and it names every stable problem code.
/// To regenerate docs/openapi-v1.json after a deliberate change of contract: <c>bash infra/update-openapi.sh</c>.
/// </summary>
public sealed class OpenApiDocumentTests(ContractHost host) : IClassFixture<ContractHost>
{
    public const string RegenerateVariable = "WAARDECHEQUE_WRITE_OPENAPI";
    public const string CheckedIn = "docs/openapi-v1.json";

    /// <summary>What Redocly's recommended rules may still warn about, each with its reason (docs/api-decisions.md).</summary>
    private static readonly HashSet<(string Rule, string Pointer)> KnownWarnings =
    [
        // A liveness or readiness probe has no client error to give: it is up, or (ready) 503.
        ("operation-4xx-response", "#/paths/~1health~1live/get/responses"),
        ("operation-4xx-response", "#/paths/~1health~1ready/get/responses"),
    ];

    [Fact]
    public async Task the_checked_in_document_is_the_one_the_app_serves()
    {
        var served = await host.ServedDocumentAsync();
        var path = Path.Combine(RepoRoot.Find(), CheckedIn);

        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served);
            return;
        }
        var checkedIn = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(checkedIn == served,
            $"{CheckedIn} is not what the app serves. If the change of contract is meant, run `bash infra/update-openapi.sh` " +
            $"(or set {RegenerateVariable}=1 for this test) and commit the file.\n" + Diff(checkedIn, served));
    }

    [Fact]
    public async Task redocly_recommended_rules_find_no_error_and_only_the_known_warnings()
    {
        var file = Path.Combine(Path.GetTempPath(), $"waardecheque-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await host.ServedDocumentAsync());
        try
        {
            var report = JsonDocument.Parse(await RedoclyLintAsync(file)).RootElement;
            var problems = report.GetProperty("problems").EnumerateArray()
                .Select(p => (Rule: p.GetProperty("ruleId").GetString()!, Severity: p.GetProperty("severity").GetString()!,
                    Pointer: p.GetProperty("location")[0].GetProperty("pointer").GetString()!, Message: p.GetProperty("message").GetString()!))
                .ToList();
            var errors = problems.Where(p => p.Severity == "error").ToList();
            Assert.True(errors.Count == 0, "Redocly (recommended) errors:\n" + string.Join("\n", errors.Select(e => $"{e.Rule} at {e.Pointer}: {e.Message}")));
            var unexpected = problems.Where(p => !KnownWarnings.Contains((p.Rule, p.Pointer))).ToList();
            Assert.True(unexpected.Count == 0, "Redocly (recommended) warnings not explained in docs/api-decisions.md:\n" +
                                               string.Join("\n", unexpected.Select(e => $"{e.Rule} at {e.Pointer}: {e.Message}")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task the_problem_code_enum_holds_every_stable_code_of_the_domain_and_the_host()
    {
        var document = JsonDocument.Parse(await host.ServedDocumentAsync()).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var codes = schemas.GetProperty("ProblemCode").GetProperty("enum").EnumerateArray().Select(c => c.GetString()!).ToHashSet();
        var hostCodes = typeof(ProblemCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        Assert.Superset(ErrorCodes.All.Concat(hostCodes).ToHashSet(), codes);
        var problem = schemas.GetProperty("ApiProblem").GetProperty("properties");
        Assert.Equal("#/components/schemas/ProblemCode", problem.GetProperty("code").GetProperty("$ref").GetString());
        Assert.True(problem.TryGetProperty("errors", out _));
        Assert.True(problem.TryGetProperty("rows", out _));
    }

    [Fact]
    public async Task every_operation_has_an_id_a_tag_and_its_own_security()
    {
        var document = JsonDocument.Parse(await host.ServedDocumentAsync()).RootElement;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        foreach (var operation in path.Value.EnumerateObject())
        {
            var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
            Assert.True(operation.Value.TryGetProperty("operationId", out _), $"{where} has no operationId");
            Assert.True(operation.Value.TryGetProperty("security", out _), $"{where} does not say whether it needs a token");
            foreach (var response in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                Assert.True(response.Value.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{where} {response.Name}");
        }
        Assert.DoesNotContain(document.GetProperty("paths").EnumerateObject(), p => p.Name.StartsWith("/probe", StringComparison.Ordinal));
    }

    private static async Task<string> RedoclyLintAsync(string file)
    {
        var tools = Path.Combine(RepoRoot.Find(), "tests", "contract");
        var cli = Path.Combine(tools, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"Redocly CLI is missing: run `npm ci` in {tools} (the test project's build does this).");
        var start = new ProcessStartInfo("node", [cli, "lint", file, "--extends=recommended", "--format=json"])
        {
            WorkingDirectory = tools, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var json = await output;
        Assert.True(json.TrimStart().StartsWith('{'), $"Redocly gave no report (exit {process.ExitCode}): {await error}");
        return json;
    }

    /// <summary>One hunk from the first to the last differing line (common lines before and after left out), each side
    /// cut at 60 lines: enough to see in a test log what changed.</summary>
    private static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head]) head++;
        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)]) tail++;
        var text = new StringBuilder($"@@ checked-in line {head + 1} (- checked in, + served) @@\n");
        foreach (var line in a[head..^tail].Take(60)) text.Append("- ").Append(line).Append('\n');
        foreach (var line in b[head..^tail].Take(60)) text.Append("+ ").Append(line).Append('\n');
        return text.ToString();
    }
}
