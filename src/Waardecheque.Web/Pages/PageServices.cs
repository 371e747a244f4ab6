using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.FileProviders;


namespace Waardecheque.Web.Pages;

/// <summary>
/// The server-rendered pages (Razor Pages, Features/**, beside their endpoints): resident pages, staff pages, their cookie sign-in, language
/// switch, security headers and static files. Razor Pages check the antiforgery token on every POST by default;
/// every form is a <c>&lt;form method="post"&gt;</c> tag helper, which writes the token.
/// </summary>
public static class PageServices
{
    public static IServiceCollection AddWaardechequePages(this IServiceCollection services)
    {
        // Pages live beside their feature's endpoints (Features/<feature>/); every route is written in its own @page line.
        // Who may open a page is said on its page model ([Authorize] with a PageAuth policy; ResidentPage for residents).
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
        }).ConfigureApplicationPartManager(parts =>
        {
            // The pages are compiled into this assembly. MVC looks in the entry assembly only, which is not this one
            // when another program starts WebApp.Build (the browser tests, benchmarks).
            var assembly = typeof(PageServices).Assembly;
            if (parts.ApplicationParts.Any(p => p.Name == assembly.GetName().Name)) return;
            foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                parts.ApplicationParts.Add(part);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "wc_af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__af";
        });
        services.AddPageAuth();
        services.AddPageLanguage();
        return services;
    }

    /// <summary>Before routing: headers on everything, then files from wwwroot, then the language of the page.</summary>
    public static IApplicationBuilder UseWaardechequePages(this WebApplication app)
    {
        app.UseWaardechequeSecurityHeaders();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = WebRoot(app),
            OnPrepareResponse = f => f.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UsePageLanguage();
        app.UseFriendlyErrorPages();   // HTML instead of problem+json for browsers on page routes; API routes unchanged
        return app;
    }

    public static void MapWaardechequePages(this WebApplication app) => app.MapRazorPages();

    /// <summary>
    /// wwwroot under the content root, or, when the app is started from another directory (tests start it from
    /// their own bin folder), the wwwroot copied next to the assembly.
    /// </summary>
    private static IFileProvider WebRoot(WebApplication app)
    {
        foreach (var dir in new[] { app.Environment.WebRootPath, Path.Combine(AppContext.BaseDirectory, "wwwroot") })
            if (!string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "css", "site.css"))) return new PhysicalFileProvider(dir);
        return app.Environment.WebRootFileProvider;
    }
}
