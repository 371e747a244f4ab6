using Waardecheque.Web.Hosting;

namespace Waardecheque.Web;

/// <summary>The process entry point. Everything else lives in <see cref="WebApp.Build"/> so tests can start the same app.</summary>
public sealed class WebProgram
{
    public static int Main(string[] args)
    {
        try
        {
            WebApp.Build(args).Run();
            return 0;
        }
        catch (StartupRefusedException)
        {
            // Already logged as one line that says which setting is missing; a stack trace would only bury it.
            return 1;
        }
    }
}
