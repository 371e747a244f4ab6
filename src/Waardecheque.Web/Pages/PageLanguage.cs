using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Waardecheque.Web.Pages;

/// <summary>
/// Dutch first, English on request: <c>?lang=en</c> (or <c>?lang=nl</c>) switches and is remembered in a cookie; without
/// either, pages are Dutch. The browser's Accept-Language is deliberately not used: the letter says the site is Dutch.
/// ASP.NET Core's request localization picks the language (<see cref="QueryThenCookie"/> is its only provider) and sets
/// the UI culture the resource files are read in; the number and date culture of the request is left as it was
/// (amounts and dates go through <see cref="Format"/>, forms bind as before).
/// </summary>
public static class PageLanguage
{
    public const string Cookie = "wc_taal";
    public const string Query = "lang";
    public const string Nl = "nl", En = "en";

    public static IServiceCollection AddPageLanguage(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<PageTextCatalog>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            // Only the UI culture follows the language; the formatting culture stays the process's own, as before.
            var formatting = CultureInfo.CurrentCulture;
            o.DefaultRequestCulture = new RequestCulture(formatting, CultureInfo.GetCultureInfo(Nl));
            o.SupportedCultures = [formatting];
            o.SupportedUICultures = [CultureInfo.GetCultureInfo(Nl), CultureInfo.GetCultureInfo(En)];
            o.FallBackToParentCultures = false;
            o.FallBackToParentUICultures = false;
            o.RequestCultureProviders = [new QueryThenCookie()];
        });
        return services;
    }

    /// <summary>Request localization, then: a language asked for in the query is remembered in the cookie.</summary>
    public static IApplicationBuilder UsePageLanguage(this IApplicationBuilder app)
    {
        app.UseRequestLocalization();
        return app.Use(async (http, next) =>
        {
            var asked = http.Request.Query[Query].ToString();
            if (asked is Nl or En && http.Request.Cookies[Cookie] != asked)
                http.Response.Cookies.Append(Cookie, asked, new CookieOptions
                {
                    HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, IsEssential = true,
                    MaxAge = TimeSpan.FromDays(365), Path = "/",
                });
            await next(http);
        });
    }

    /// <summary>The page's language: the request culture's, or (outside request localization) the query and cookie's.</summary>
    public static string Of(HttpContext http) =>
        http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.Name switch
        {
            En => En,
            Nl => Nl,
            _ => QueryThenCookie.Choose(http.Request) ?? Nl,
        };

    public static PageTexts T(this HttpContext http) => http.RequestServices.GetRequiredService<PageTextCatalog>().For(Of(http));

    /// <summary><c>?lang=nl|en</c>, else the cookie (only "en" counts), else nothing (Dutch, the default).</summary>
    public sealed class QueryThenCookie : RequestCultureProvider
    {
        public static string? Choose(HttpRequest request)
        {
            var asked = request.Query[Query].ToString();
            if (asked is Nl or En) return asked;
            return request.Cookies[Cookie] == En ? En : null;
        }

        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            Task.FromResult(Choose(httpContext.Request) is { } lang ? new ProviderCultureResult(lang, lang) : null);
    }
}
