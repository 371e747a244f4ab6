namespace Waardecheque.BrowserTests.Harness;

/// <summary>Where the repository is, found by walking up from the test assembly to <c>Waardecheque.sln</c>.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder that holds Waardecheque.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary><c>TestResults/screenshots</c> under the repository root; CI keeps it as an artifact.</summary>
    public static string Screenshots => Path.Combine(Root, "TestResults", "screenshots");

    /// <summary>This test project's folder (package.json, node_modules).</summary>
    public static string BrowserTestsProject => Path.Combine(Root, "tests", "Waardecheque.BrowserTests");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Waardecheque.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Could not find Waardecheque.sln above {AppContext.BaseDirectory}; run the browser tests from inside the repository.");
    }
}
