namespace Waardecheque.Testing;

/// <summary>The repository's root (the folder holding Waardecheque.sln), for tests and benchmarks that run infra/ scripts or built programs.</summary>
public static class RepoRoot
{
    /// <summary>Searches upwards from the current directory, then from the program's own directory.</summary>
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
                if (File.Exists(Path.Combine(dir, "Waardecheque.sln"))) return dir;
        }
        throw new InvalidOperationException("Waardecheque.sln not found above the current or the program's directory.");
    }
}
