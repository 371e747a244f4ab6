using Waardecheque.Payments;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Composition;
using Waardecheque.Web.DataProtection;
using Waardecheque.Web.Database;
using Waardecheque.Web.Dev;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Features.Staff;
using Waardecheque.Web.Health;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Logging;
using Waardecheque.Web.Pages;
using Waardecheque.Web.RateLimiting;

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
        builder.Services.AddHttpsHardening();
        builder.Services.AddWaardechequeProblems();
        builder.Services.AddWaardechequeDatabase();
        builder.Services.AddWaardechequeHealth();
        builder.Services.AddWaardechequeDataProtection();
        builder.Services.AddWaardechequeAuth();
        builder.Services.AddAttemptLimiters();
        builder.Services.AddWaardechequeDomain();
        builder.AddMartenAndWolverine();
        builder.Services.AddWaardechequeApi();
        builder.Services.AddWaardechequeFeatures();
        builder.Services.AddWaardechequeOpenApi();
        builder.Services.AddWaardechequePages();
        builder.Services.AddWaardechequePayments();   // Stripe gateway; the built-in sandbox when no Stripe key is set
        configure?.Invoke(builder);

        var app = builder.Build();
        RequiredSettings.Check(app);
        app.UseTrustedProxies();
        app.UseHttpsOnlyWhenHttps();
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
        app.MapWaardechequePayments();   // maps the Stripe sandbox (docs/payments.md) only without a Stripe key
        app.MapWaardechequePages();
        return app;
    }
}
