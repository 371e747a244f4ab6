using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Waardecheque.BrowserTests.Harness;

namespace Waardecheque.BrowserTests.SamplePages;

/// <summary>
/// Hand-written pages that prove the harness before the real Web pages exist: an accessible Dutch cheque page with a
/// form, a deliberately broken page, and two QR pages (image and camera) that use jsQR as the Web project will.
/// </summary>
public sealed class SampleSite : IAsyncLifetime
{
    public const string QrText = "https://waardecheque.example/c/WC7K-3M9P-XQ2D";

    private TestSite? _site;

    public TestSite Site => _site ?? throw new InvalidOperationException("SampleSite is not started.");

    public async Task InitializeAsync()
    {
        var jsQr = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "web", "jsQR.js"));
        var qrPng = FakeCamera.QrPng(QrText);
        _site = await TestSite.StartAsync(app =>
        {
            // Security headers like the real pages will send: the axe injection must still work under this CSP.
            app.Use(async (context, next) =>
            {
                if (!context.Request.Path.StartsWithSegments("/kapot"))
                {
                    context.Response.Headers.ContentSecurityPolicy =
                        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; " +
                        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                await next(context);
            });
            app.MapGet("/site.css", () => Results.Text(SiteCss, "text/css; charset=utf-8"));
            app.MapGet("/cheque", () => Html(ChequePage));
            app.MapPost("/idee", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                var titel = WebUtility.HtmlEncode(form["titel"].ToString());
                var bedrag = int.TryParse(form["bedrag"], out var euro) ? euro : 0;
                return Html(ThanksPage.Replace("{titel}", titel).Replace("{bedrag}", bedrag.ToString()));
            });
            app.MapGet("/kapot", () => Html(BrokenPage));
            app.MapGet("/logo.svg", () => Results.Text(LogoSvg, "image/svg+xml"));
            app.MapGet("/lib/jsQR.js", () => Results.Bytes(jsQr, "text/javascript; charset=utf-8"));
            app.MapGet("/qr.png", () => Results.Bytes(qrPng, "image/png"));
            app.MapGet("/scan-afbeelding", () => Html(ScanImagePage));
            app.MapGet("/scan-afbeelding.js", () => Results.Text(ScanImageJs, "text/javascript; charset=utf-8"));
            app.MapGet("/camera", () => Html(CameraPage));
            app.MapGet("/camera.js", () => Results.Text(CameraJs, "text/javascript; charset=utf-8"));
        });
    }

    public async Task DisposeAsync()
    {
        if (_site is not null) await _site.DisposeAsync();
    }

    private static IResult Html(string html) => Results.Text(html, "text/html; charset=utf-8");

    private const string SiteCss = """
        :root { color-scheme: light; }
        body { margin: 0; font: 18px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #ffffff; }
        header, main, footer { padding: 1rem; max-width: 40rem; margin: 0 auto; }
        header { background: #00485f; color: #ffffff; }
        .merk { margin: 0; font-weight: 700; }
        h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
        .tegoed { font-size: 1.3rem; }
        label { display: block; margin-top: 1rem; font-weight: 600; }
        input { display: block; width: 100%; box-sizing: border-box; font: inherit; padding: .6rem; margin-top: .25rem;
                border: 2px solid #4a4a4a; border-radius: 4px; color: #1a1a1a; background: #ffffff; }
        button { margin-top: 1.25rem; min-height: 48px; padding: .6rem 1.2rem; font: inherit; font-weight: 700;
                 color: #ffffff; background: #00485f; border: 0; border-radius: 4px; width: 100%; }
        :focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
        a { color: #00485f; }
        footer { color: #4a4a4a; font-size: .9rem; }
        video, canvas, img.qr { display: block; max-width: 100%; }
        """;

    private const string ChequePage = """
        <!doctype html>
        <html lang="nl">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Mijn waardecheque – Seghwaert Doet</title>
          <link rel="stylesheet" href="/site.css">
        </head>
        <body>
          <header><p class="merk">Seghwaert Doet</p></header>
          <main>
            <h1>Mijn waardecheque</h1>
            <p class="tegoed">Je tegoed: <strong>€ 5,00</strong></p>
            <p>Heb je een idee voor je straat? Spaar samen met je buren tot het doelbedrag er is.</p>
            <form method="post" action="/idee">
              <label for="titel">Titel van je idee</label>
              <input id="titel" name="titel" type="text" required autocomplete="off">
              <label for="bedrag">Hoeveel wil je inleggen? (in euro)</label>
              <input id="bedrag" name="bedrag" type="number" min="1" max="5" step="1" inputmode="numeric" required>
              <button type="submit">Idee indienen</button>
            </form>
          </main>
          <footer><p>Een initiatief van de gemeente Zoetermeer</p></footer>
        </body>
        </html>
        """;

    private const string ThanksPage = """
        <!doctype html>
        <html lang="nl">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Bedankt – Seghwaert Doet</title>
          <link rel="stylesheet" href="/site.css">
        </head>
        <body>
          <header><p class="merk">Seghwaert Doet</p></header>
          <main>
            <h1>Bedankt!</h1>
            <p>Je idee “<span id="idee">{titel}</span>” is ingediend. Je legt <span id="inleg">€ {bedrag},00</span> in.</p>
            <p><a href="/cheque">Terug naar je waardecheque</a></p>
          </main>
        </body>
        </html>
        """;

    // Broken on purpose: no lang, an image without alt, an input without a label, grey-on-white text (about 2:1).
    private const string BrokenPage = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>Kapot</title></head>
        <body>
          <main>
            <h1>Kapotte pagina</h1>
            <img src="/logo.svg" width="120" height="40">
            <p style="color:#c4c4c4;background:#ffffff">Deze tekst is bijna onleesbaar.</p>
            <input type="text" name="code">
            <button type="button">Verstuur</button>
          </main>
        </body>
        </html>
        """;

    private const string LogoSvg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" fill="#00485f"/></svg>
        """;

    private const string ScanImagePage = """
        <!doctype html>
        <html lang="nl">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>QR-code lezen – test</title>
          <link rel="stylesheet" href="/site.css">
          <script src="/lib/jsQR.js" defer></script>
          <script src="/scan-afbeelding.js" defer></script>
        </head>
        <body>
          <main>
            <h1>QR-code lezen</h1>
            <img class="qr" id="qr" src="/qr.png" alt="QR-code van een waardecheque">
            <p>Gelezen: <output id="resultaat">nog niets</output></p>
          </main>
        </body>
        </html>
        """;

    private const string ScanImageJs = """
        window.addEventListener('load', () => {
          const img = document.getElementById('qr');
          const canvas = document.createElement('canvas');
          canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          ctx.drawImage(img, 0, 0);
          const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
          const code = jsQR(pixels.data, pixels.width, pixels.height);
          const out = document.getElementById('resultaat');
          out.textContent = code ? code.data : 'geen code gevonden';
          out.dataset.klaar = 'ja';
        });
        """;

    private const string CameraPage = """
        <!doctype html>
        <html lang="nl">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Cheque scannen – test</title>
          <link rel="stylesheet" href="/site.css">
          <script src="/lib/jsQR.js" defer></script>
          <script src="/camera.js" defer></script>
        </head>
        <body>
          <main>
            <h1>Scan je waardecheque</h1>
            <p>Houd de QR-code van je brief voor de camera.</p>
            <video id="camera" muted playsinline aria-label="Camerabeeld"></video>
            <p role="status">Gelezen: <output id="resultaat">nog niets</output></p>
          </main>
        </body>
        </html>
        """;

    private const string CameraJs = """
        (async () => {
          const out = document.getElementById('resultaat');
          const video = document.getElementById('camera');
          try {
            video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
            await video.play();
          } catch (e) {
            out.textContent = 'geen camera: ' + e.name; out.dataset.klaar = 'fout'; return;
          }
          const canvas = document.createElement('canvas');
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          const tick = () => {
            if (video.readyState >= 2 && video.videoWidth > 0) {
              canvas.width = video.videoWidth; canvas.height = video.videoHeight;
              ctx.drawImage(video, 0, 0);
              const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
              const code = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'dontInvert' });
              if (code) {
                canvas.setAttribute('role', 'img'); canvas.setAttribute('aria-label', 'Gescande QR-code');
                video.srcObject.getTracks().forEach(t => t.stop());
                video.replaceWith(canvas); // keep the frame that was read in view
                out.textContent = code.data; out.dataset.klaar = 'ja';
                return;
              }
            }
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        })();
        """;
}
