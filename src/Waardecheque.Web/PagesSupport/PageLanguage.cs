namespace Waardecheque.Web.PagesSupport;

/// <summary>
/// Dutch first, English on request: <c>?lang=en</c> (or <c>?lang=nl</c>) switches and is remembered in a cookie; without
/// either, pages are Dutch. The browser's Accept-Language is deliberately not used: the letter says the site is Dutch.
/// </summary>
public static class PageLanguage
{
    public const string Cookie = "wc_taal";
    public const string Nl = "nl", En = "en";
    private const string Item = "wc.lang";

    public static IApplicationBuilder UsePageLanguage(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var asked = http.Request.Query["lang"].ToString();
        if (asked is Nl or En)
        {
            http.Items[Item] = asked;
            if (http.Request.Cookies[Cookie] != asked)
                http.Response.Cookies.Append(Cookie, asked, new CookieOptions
                {
                    HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, IsEssential = true,
                    MaxAge = TimeSpan.FromDays(365), Path = "/",
                });
        }
        await next(http);
    });

    public static string Of(HttpContext http)
    {
        if (http.Items[Item] is string lang) return lang;
        lang = http.Request.Cookies[Cookie] == En ? En : Nl;
        http.Items[Item] = lang;
        return lang;
    }

    public static Texts T(this HttpContext http) => Texts.For(Of(http));
}
