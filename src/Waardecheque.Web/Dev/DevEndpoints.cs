using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Dev;

/// <summary>Development only: sample letters and a QR code to look at, with made-up households and codes.</summary>
internal static class DevEndpoints
{
    public static void MapDevSamples(this IEndpointRouteBuilder endpoints)
    {
        var dev = endpoints.MapGroup("/dev").ExcludeFromDescription();
        dev.MapGet("/letters-sample.pdf", async (HttpContext http, IConfiguration config) =>
        {
            http.Response.ContentType = "application/pdf";
            await LetterPrinter.WriteAsync(SampleProgram(config), SampleRecipients, http.Response.Body, http.RequestAborted);
        });
        dev.MapGet("/qr-sample.svg", (IConfiguration config) =>
            Results.Content(QrCodes.Svg(ChequeUrls.For(BaseUrl(config), SampleRecipients[0].Code)), "image/svg+xml"));
    }

    private static readonly LetterRecipient[] SampleRecipients =
    [
        new("Vlamingstraat 12", "2713 AB", "Zoetermeer", "K7QM-3XRP-9T2C-W"),
        new("Seghwaertseweg 101 A-2", "2716 LD", "Zoetermeer", "H2DF-8NVE-Q4KT-7"),
    ];

    private static LetterProgram SampleProgram(IConfiguration config) => new(
        "Gemeente Zoetermeer", "Seghwaert Doet 2026", 750, 3,
        new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)), BaseUrl(config),
        "Buurthuis Seghwaert, ma t/m vr 10.00-16.00 uur");

    private static string BaseUrl(IConfiguration config) => config[WebConfig.PublicBaseUrl] ?? "http://localhost:5063";
}
