using JasperFx;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Operations;

namespace Waardecheque.Web;

/// <summary>The process entry point. Everything else lives in <see cref="WebApp.Build"/> so tests can start the same app.</summary>
public sealed class WebProgram
{
    public static async Task<int> Main(string[] args)
    {
        // The operator's commands (docs/operations.md): the app's configuration, but no app, no server, no Wolverine.
        if (args is [OperatorCommands.Verb, .. var rest])
            return await OperatorCommands.RunAsync(rest, OperatorCommands.AppConfiguration(), Console.Out, Console.Error);
        try
        {
            var app = WebApp.Build(args);
            // `codegen write` (infra/codegen.sh) and JasperFx's other codegen commands; anything else (no argument, or
            // settings such as --urls, which JasperFx's parser would refuse) runs the app as before.
            if (args is ["codegen", ..]) return await app.RunJasperFxCommands(args);
            await app.RunAsync();
            return 0;
        }
        catch (StartupRefusedException)
        {
            // Already logged as one line that says which setting is missing; a stack trace would only bury it.
            return 1;
        }
    }
}
