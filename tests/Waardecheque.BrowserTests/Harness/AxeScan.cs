using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit.Sdk;

namespace Waardecheque.BrowserTests.Harness;

/// <summary>One element that breaks an axe rule.</summary>
public sealed record AxeNode(
    [property: JsonPropertyName("html")] string Html,
    [property: JsonPropertyName("target")] IReadOnlyList<string> Target,
    [property: JsonPropertyName("failureSummary")] string? FailureSummary);

/// <summary>One axe rule that the page breaks, with every element that breaks it.</summary>
public sealed record AxeViolation(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("impact")] string? Impact,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("help")] string Help,
    [property: JsonPropertyName("helpUrl")] string HelpUrl,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("nodes")] IReadOnlyList<AxeNode> Nodes)
{
    /// <summary>True for impact "serious" or "critical": the ones that fail <see cref="AxeScan.AssertNoSeriousViolations"/>.</summary>
    public bool IsSeriousOrWorse => Impact is "serious" or "critical";
}

/// <summary>
/// Accessibility scan with axe-core (npm, pinned in package-lock.json). The script is copied to the test output at
/// build time (web/axe.min.js); it is injected through the DevTools protocol, so a page's Content-Security-Policy does
/// not block it.
/// </summary>
public static class AxeScan
{
    /// <summary>The rule tags scanned by default: WCAG 2.0/2.1 A and AA (ARCHITECTURE.md: WCAG 2.1 AA) plus axe's
    /// best practices.</summary>
    public static IReadOnlyList<string> DefaultTags { get; } = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

    private static readonly Lazy<string> AxeSource = new(LoadAxeSource);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Full path of the axe.min.js in use (test output first, then node_modules).</summary>
    public static string AxeScriptPath => FindAxeScript() ?? "(not found)";

    /// <summary>
    /// Injects axe into <paramref name="page"/> (once per document) and runs it on the whole document, or on the
    /// elements matching <paramref name="include"/>. Returns the violations, most severe first.
    /// </summary>
    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(
        IPage page, IEnumerable<string>? tags = null, IEnumerable<string>? disableRules = null, string? include = null)
    {
        var hasAxe = await page.EvaluateAsync<bool>("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'");
        if (!hasAxe)
        {
            // Evaluated as a plain script (not wrapped in a function): the UMD bundle then sets window.axe.
            await page.EvaluateAsync(AxeSource.Value + "\n;void 0;");
        }

        var rules = (disableRules ?? []).ToDictionary(r => r, _ => new Dictionary<string, bool> { ["enabled"] = false });
        var arg = new
        {
            include,
            options = new Dictionary<string, object>
            {
                ["runOnly"] = new { type = "tag", values = (tags ?? DefaultTags).ToArray() },
                ["resultTypes"] = new[] { "violations" },
                ["rules"] = rules,
            },
        };
        var json = await page.EvaluateAsync<string>(
            """
            async ({ include, options }) => {
              const results = await window.axe.run(include ? { include: [include] } : document, options);
              return JSON.stringify(results.violations.map(v => ({
                id: v.id, impact: v.impact, description: v.description, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
                nodes: v.nodes.map(n => ({ html: n.html, target: n.target.map(t => String(t)), failureSummary: n.failureSummary })),
              })));
            }
            """, arg);
        var violations = JsonSerializer.Deserialize<List<AxeViolation>>(json, Json) ?? [];
        return violations.OrderBy(v => Rank(v.Impact)).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Scans the page and fails the test when any violation has impact serious or critical.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> AssertNoSeriousViolationsAsync(
        IPage page, IEnumerable<string>? tags = null, IEnumerable<string>? disableRules = null)
    {
        var violations = await RunAsync(page, tags, disableRules);
        AssertNoSeriousViolations(violations, page.Url);
        return violations;
    }

    /// <summary>Fails with a readable list when any violation has impact serious or critical; minor and moderate
    /// ones are listed in the message of a failure but do not fail on their own.</summary>
    public static void AssertNoSeriousViolations(IReadOnlyList<AxeViolation> violations, string? where = null)
    {
        var serious = violations.Where(v => v.IsSeriousOrWorse).ToList();
        if (serious.Count == 0) return;
        throw new XunitException(Describe(serious, where));
    }

    /// <summary>A readable list of violations: one block per rule, with each offending element.</summary>
    public static string Describe(IReadOnlyList<AxeViolation> violations, string? where = null)
    {
        var text = new StringBuilder();
        text.Append($"axe-core found {violations.Count} serious or critical accessibility violation(s)");
        text.AppendLine(where is null ? ":" : $" on {where}:");
        foreach (var v in violations)
        {
            text.AppendLine($"- [{v.Impact ?? "?"}] {v.Id}: {v.Help}  ({v.HelpUrl})");
            foreach (var node in v.Nodes.Take(10))
            {
                text.AppendLine($"    at {string.Join(" ", node.Target)}: {Shorten(node.Html, 160)}");
                if (node.FailureSummary is { Length: > 0 } summary)
                {
                    foreach (var line in summary.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        text.AppendLine($"      {line}");
                }
            }
            if (v.Nodes.Count > 10) text.AppendLine($"    ... and {v.Nodes.Count - 10} more element(s)");
        }
        return text.ToString();
    }

    private static int Rank(string? impact) => impact switch
    {
        "critical" => 0,
        "serious" => 1,
        "moderate" => 2,
        "minor" => 3,
        _ => 4,
    };

    private static string Shorten(string s, int max)
    {
        s = s.ReplaceLineEndings(" ");
        return s.Length <= max ? s : s[..max] + "...";
    }

    private static string? FindAxeScript()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "web", "axe.min.js") };
        try { candidates.Add(Path.Combine(RepoPaths.BrowserTestsProject, "node_modules", "axe-core", "axe.min.js")); }
        catch (InvalidOperationException) { /* not inside the repository */ }
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string LoadAxeSource() =>
        FindAxeScript() is { } path
            ? File.ReadAllText(path)
            : throw new InvalidOperationException(
                "axe.min.js not found in the test output (web/axe.min.js) nor in tests/Waardecheque.BrowserTests/node_modules. " +
                "Run `npm ci` in tests/Waardecheque.BrowserTests (the build does it when npm is available).");
}
