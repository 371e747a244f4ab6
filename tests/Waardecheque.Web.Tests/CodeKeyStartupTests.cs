using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Waardecheque.Testing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// API.md, configuration: without <c>Waardecheque:CodeKey</c> of at least 32 characters the app refuses to start and
/// says which setting is missing, instead of starting and failing on the first letter or sign-in.
/// </summary>
public sealed class CodeKeyStartupTests
{
    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("twenty-characters-20", "has 20 characters")]
    [InlineData("exactly-thirty-one-characters-x", "has 31 characters")]
    public void the_app_is_not_built_without_a_long_enough_code_key_and_says_which_setting(string? key, string why)
    {
        var settings = TestApp.Settings("Host=127.0.0.1;Database=never-reached");
        settings[WebConfig.CodeKey] = key;   // null overrides any key the environment might bring

        var refused = Assert.Throws<StartupRefusedException>(() => WebApp.Build(["--environment", "Testing"],
            builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Contains("Waardecheque:CodeKey " + why, refused.Message);
        Assert.Contains("Waardecheque__CodeKey", refused.Message);
        if (key is not null) Assert.DoesNotContain(key, refused.Message);   // the secret itself is never logged
    }

    [Fact]
    public async Task a_key_of_32_characters_is_enough()
    {
        var settings = TestApp.Settings("Host=127.0.0.1;Database=never-reached");
        settings[WebConfig.CodeKey] = new string('k', 32);

        await using var app = WebApp.Build(["--environment", "Testing"], builder => builder.Configuration.AddInMemoryCollection(settings));

        Assert.NotNull(app);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("only-twenty-chars-20")]
    public async Task the_real_process_exits_non_zero_with_one_line_naming_the_key_and_no_stack_trace(string? key)
    {
        var psi = new ProcessStartInfo("dotnet", [AppProcess.WebDll, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = Path.GetDirectoryName(AppProcess.WebDll)!,
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ConnectionStrings__Waardecheque"] = "Host=127.0.0.1;Database=never-reached";
        psi.Environment.Remove("Waardecheque__CodeKey");
        if (key is not null) psi.Environment["Waardecheque__CodeKey"] = key;

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(patience.Token);
        var output = await stdout + await stderr;

        Assert.NotEqual(0, process.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("Waardecheque:CodeKey") && l.Contains("Waardecheque__CodeKey"));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", output);
    }
}
