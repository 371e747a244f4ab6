using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;
using Waardecheque.Web.DataProtection;
using Waardecheque.Web.Dev;
using Waardecheque.Web.Domain;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Health;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Logging;
using Waardecheque.Web.PagesSupport;
using Waardecheque.Web.Printing;

namespace Waardecheque.Web;

/// <summary>
/// Builds the whole web app. <see cref="WebProgram"/> runs it; tests start it through
/// <c>WebApplicationFactory&lt;WebProgram&gt;</c> or on a real port with <paramref name="configure"/> for their settings.
/// </summary>
public static class WebApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = BodyLimits.Default;
            RequestLimits.ConfigureKestrel(kestrel.Limits);
            kestrel.AddServerHeader = false;
        });
        builder.AddWaardechequeLogging();
        builder.Services.AddTrustedProxies();
        builder.Services.AddWaardechequeProblems();
        builder.Services.AddWaardechequeDatabase();
        builder.Services.AddWaardechequeHealth();
        builder.Services.AddWaardechequeDataProtection();
        builder.Services.AddWaardechequeAuth();
        builder.Services.AddWaardechequeDomain();
        builder.Services.AddWaardechequeApi();
        builder.Services.AddWaardechequeOpenApi();
        builder.Services.AddWaardechequePages();
        configure?.Invoke(builder);

        var app = builder.Build();
        ApplyPdfLicence(app);
        app.UseTrustedProxies();
        app.UseRequestLogging();
        app.UseWaardechequeProblems();
        app.UseWaardechequePages();
        // Inside the problem and error pages, so their empty 414/431 and HEAD's answers get the usual shape.
        app.UseRequestLimits();
        app.UseHeadAsGet();
        app.UseRouting();
        app.UseAuthentication();
        app.UseActorLogScope();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapHealth();
        app.MapStaffAuth();
        if (app.Environment.IsDevelopment()) app.MapDevSamples();
        app.MapEndpointModules();
        app.MapWaardechequePages();
        return app;
    }

    private static void ApplyPdfLicence(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebApp));
        try
        {
            if (!PdfLicensing.Apply(app.Configuration[WebConfig.PdfSharpLicense]))
                log.LogWarning("No PDFsharp licence chosen ({Key}): printing letters is disabled", WebConfig.PdfSharpLicense);
        }
        catch (Exception e)
        {
            log.LogError(e, "The PDFsharp licence in {Key} was not accepted: printing letters is disabled", WebConfig.PdfSharpLicense);
        }
    }
}
