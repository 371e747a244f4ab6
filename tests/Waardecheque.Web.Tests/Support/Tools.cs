using System.Diagnostics;

namespace Waardecheque.Web.Tests.Support;

/// <summary>Independent command-line readers (zbarimg, poppler) that check what we produce.</summary>
public static class Tools
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>The text of the single QR code in an image, read by zbar.</summary>
    public static async Task<string> DecodeQrAsync(string imagePath) =>
        (await RunAsync("zbarimg", "--raw", "-q", imagePath)).TrimEnd('\n', '\r');

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "waardecheque-web-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
