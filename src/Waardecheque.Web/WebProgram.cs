namespace Waardecheque.Web;

/// <summary>The process entry point. Everything else lives in <see cref="WebApp.Build"/> so tests can start the same app.</summary>
public sealed class WebProgram
{
    public static void Main(string[] args) => WebApp.Build(args).Run();
}
