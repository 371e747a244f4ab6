using System.Diagnostics;
using Waardecheque.Testing;

namespace Waardecheque.Web.Tests;

/// <summary>
/// The app loads its Wolverine handlers' pre-generated code (TypeLoadMode.Static); this test regenerates it with the
/// built app's own `codegen write`, into a folder of its own, and compares it with what is committed. A handler added
/// or changed without running `bash infra/codegen.sh` fails here (and a missing one fails the app's start).
/// </summary>
public sealed class CodegenTests
{
    [Fact]
    public async Task the_committed_handler_code_is_what_codegen_writes_for_these_handlers()
    {
        var committed = Path.Combine(RepoRoot.Find(), "src", "Waardecheque.Web", "Internal", "Generated");
        var scratch = Directory.CreateTempSubdirectory("wc-codegen-");
        try
        {
            // The content root is the working directory: codegen writes into scratch/Internal/Generated.
            var psi = new ProcessStartInfo("dotnet", [AppProcess.WebDll, "codegen", "write"])
            {
                WorkingDirectory = scratch.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.Environment["Waardecheque__CodeKey"] = "codegen-only-not-a-real-key-0123456789";
            psi.Environment["ConnectionStrings__Waardecheque"] = "Host=127.0.0.1;Port=1;Database=codegen";
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(process.ExitCode == 0, $"codegen write failed:\n{await output}\n{await errors}");

            var generated = Path.Combine(scratch.FullName, "Internal", "Generated");
            Assert.Equal(Files(generated).Keys.Order(), Files(committed).Keys.Order());
            foreach (var (name, text) in Files(generated))
                Assert.True(text == Files(committed)[name], $"{name} is stale: run bash infra/codegen.sh and commit the result");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string root) =>
        Directory.Exists(root)
            ? Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(root, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];
}
