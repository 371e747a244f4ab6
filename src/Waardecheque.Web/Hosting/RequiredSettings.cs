using Waardecheque.Web.Store;

namespace Waardecheque.Web.Hosting;

/// <summary>
/// Settings without which the app must not start at all (API.md, configuration): checked right after the host is
/// built, before anything listens or touches the database, so a missing secret shows up at deploy time in one log
/// line instead of as failing requests later.
/// </summary>
public static class RequiredSettings
{
    /// <summary>Logs one critical line naming the setting and throws <see cref="StartupRefusedException"/>.</summary>
    public static void Check(WebApplication app)
    {
        if (CodeKey.Problem(app.Configuration[WebConfig.CodeKey]) is not { } problem) return;
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Waardecheque.Startup").LogCritical("{Problem}", problem);
        throw new StartupRefusedException(problem);
    }
}

/// <summary>The app refused to start; the reason has been logged already, so the process exits without a stack trace.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
