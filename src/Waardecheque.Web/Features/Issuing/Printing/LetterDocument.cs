using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

using Waardecheque.Web.Texts;

namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// Lays out the letters. Everything that is the same on every page (sender, explanation, deadline) is drawn once
/// into a PDF form that each page references, so 10,000 letters cost 10,000 small pages, not 10,000 copies of the
/// text; the QR code is drawn as vector rectangles (see <see cref="QrPdfOperators"/>), not an image per page.
/// </summary>
internal sealed class LetterDocument : IDisposable
{
    // A4 in points, 25 mm left margin (address window of a C5/DL window envelope), 20 mm right.
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Left = 70.87;
    private const double Right = PageWidth - 56.69;
    private const double AddressTop = 150;
    private const double TitleTop = 236;
    private const double BodyTop = 268;
    private const double BoxTop = 606;
    private const double BoxBottom = 790;
    private const double QrSize = 150;
    private const double QrLeft = Left + 10;
    private const double QrTop = BoxTop + (BoxBottom - BoxTop - QrSize) / 2;
    private const double ColumnLeft = QrLeft + QrSize + 22;
    private const double CodeTop = BoxTop + 52;

    // Bodies longer than the space (a long walk-in address) are set smaller rather than run into the code box.
    private static readonly double[] BodySizes = [10.5, 10, 9.5, 9, 8.5];

    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly XBrush Ink = XBrushes.Black;
    private static readonly XBrush Grey = new XSolidBrush(XColor.FromArgb(90, 90, 90));

    private readonly LetterProgram _program;
    private readonly PdfDocument _document;
    private readonly XForm _commonPage;
    private readonly XFont _address = new(LetterFonts.Sans, 11, XFontStyleEx.Regular, Unicode);
    private readonly XFont _code = new(LetterFonts.Mono, 20, XFontStyleEx.Bold, Unicode);

    // Static, because the font fields above are initialised before any instance constructor body runs.
    static LetterDocument() => LetterFonts.EnsureRegistered();

    public LetterDocument(LetterProgram program)
    {
        _document = new PdfDocument();
        _ = ChequeUrls.ForTyping(program.PublicBaseUrl); // an unusable base URL fails before any page is made
        _program = program;
        _document.Info.Title = $"Brieven {program.ProgramName}";
        _document.Info.Creator = "Waardecheque";
        _document.Options.CompressContentStreams = true;
        _commonPage = new XForm(_document, XUnit.FromPoint(PageWidth), XUnit.FromPoint(PageHeight));
        using (var gfx = XGraphics.FromForm(_commonPage)) DrawCommonPage(gfx);
    }

    public int Count { get; private set; }

    public void Add(LetterRecipient recipient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient.Code, nameof(recipient.Code));
        var page = NewPage();
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            gfx.DrawImage(_commonPage, 0, 0);
            gfx.DrawString(recipient.AddressLine1.Trim(), _address, Ink, Left, AddressTop + 14, XStringFormats.TopLeft);
            gfx.DrawString(DutchText.PostcodeLine(recipient.Postcode, recipient.City), _address, Ink, Left, AddressTop + 29, XStringFormats.TopLeft);
            gfx.DrawString(recipient.Code, _code, Ink, ColumnLeft, CodeTop, XStringFormats.TopLeft);
        }
        // After the graphics are closed, so the QR stream starts from PDF's untransformed user space.
        var qr = QrPdfOperators.For(QrCodes.Modules(ChequeUrls.For(_program.PublicBaseUrl, recipient.Code)), QrLeft, QrTop, QrSize, page.Height.Point);
        page.Contents.AppendContent().CreateStream(Encoding.ASCII.GetBytes(qr));
        Count++;
    }

    public void Save(Stream output)
    {
        AddNoticeIfEmpty();
        if (output.CanSeek)
        {
            _document.Save(output, closeStream: false);
            return;
        }
        using var buffer = TempFile();
        _document.Save(buffer, closeStream: false);
        buffer.Position = 0;
        buffer.CopyTo(output);
    }

    /// <summary>
    /// PDFsharp writes synchronously, which ASP.NET Core forbids on a response body; so the PDF goes to a temp file
    /// (not memory: 10,000 letters are tens of megabytes) and is copied asynchronously.
    /// </summary>
    public async Task SaveAsync(Stream output, CancellationToken cancellationToken)
    {
        AddNoticeIfEmpty();
        await using var buffer = TempFile();
        _document.Save(buffer, closeStream: false);
        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken);
    }

    public void Dispose()
    {
        _commonPage.Dispose();
        _document.Dispose();
    }

    private PdfPage NewPage()
    {
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        return page;
    }

    private void DrawCommonPage(XGraphics gfx)
    {
        var p = _program;
        gfx.DrawString(p.MunicipalityName, new XFont(LetterFonts.Sans, 15, XFontStyleEx.Bold, Unicode), Ink, Left, 52, XStringFormats.TopLeft);
        gfx.DrawString(p.ProgramName, new XFont(LetterFonts.Sans, 10, XFontStyleEx.Regular, Unicode), Grey, Left, 72, XStringFormats.TopLeft);
        gfx.DrawString("Aan de bewoners van", new XFont(LetterFonts.Sans, 9, XFontStyleEx.Regular, Unicode), Grey, Left, AddressTop, XStringFormats.TopLeft);
        gfx.DrawString(LetterText.Title(p), new XFont(LetterFonts.Sans, 16, XFontStyleEx.Bold, Unicode), Ink, Left, TitleTop, XStringFormats.TopLeft);
        DrawBody(gfx, LetterText.Body(p));

        var box = new XPen(XColor.FromArgb(120, 120, 120), 0.8);
        gfx.DrawRoundedRectangle(box, Left, BoxTop, Right - Left, BoxBottom - BoxTop, 10, 10);
        var small = new XFont(LetterFonts.Sans, 9, XFontStyleEx.Regular, Unicode);
        var normal = new XFont(LetterFonts.Sans, 10, XFontStyleEx.Regular, Unicode);
        var bold = new XFont(LetterFonts.Sans, 10, XFontStyleEx.Bold, Unicode);
        gfx.DrawString("Uw persoonlijke code", small, Grey, ColumnLeft, BoxTop + 34, XStringFormats.TopLeft);
        gfx.DrawString($"Te gebruiken {DutchText.Deadline(p.ClosesAt)}.", normal, Ink, ColumnLeft, CodeTop + 40, XStringFormats.TopLeft);
        gfx.DrawString("Scan de QR-code, of typ de code op:", small, Grey, ColumnLeft, CodeTop + 66, XStringFormats.TopLeft);
        gfx.DrawString(ChequeUrls.ForTyping(p.PublicBaseUrl), bold, Ink, ColumnLeft, CodeTop + 80, XStringFormats.TopLeft);
        gfx.DrawString($"{p.ProgramName} · {p.MunicipalityName}", new XFont(LetterFonts.Sans, 8, XFontStyleEx.Regular, Unicode), Grey,
            Left, BoxBottom + 18, XStringFormats.TopLeft);
    }

    private static void DrawBody(XGraphics gfx, IReadOnlyList<LetterBlock> blocks)
    {
        foreach (var size in BodySizes)
        {
            var layout = LayOut(gfx, blocks, size);
            if (layout.Bottom <= BoxTop - 12 || size == BodySizes[^1])
            {
                foreach (var (text, font, x, y) in layout.Lines) gfx.DrawString(text, font, Ink, x, y, XStringFormats.TopLeft);
                return;
            }
        }
    }

    private static (List<(string Text, XFont Font, double X, double Y)> Lines, double Bottom) LayOut(
        XGraphics gfx, IReadOnlyList<LetterBlock> blocks, double size)
    {
        var regular = new XFont(LetterFonts.Sans, size, XFontStyleEx.Regular, Unicode);
        var heading = new XFont(LetterFonts.Sans, size + 0.5, XFontStyleEx.Bold, Unicode);
        var lineHeight = size * 1.4;
        const double stepIndent = 16;
        var lines = new List<(string, XFont, double, double)>();
        var y = BodyTop;
        foreach (var block in blocks)
        {
            var font = block.Kind == LetterBlockKind.Heading ? heading : regular;
            var x = block.Kind == LetterBlockKind.Step ? Left + stepIndent : Left;
            if (block.Kind == LetterBlockKind.Heading) y += lineHeight * 0.3;
            if (block.Kind == LetterBlockKind.Step) lines.Add(($"{block.Number}.", heading, Left, y));
            foreach (var line in TextWrapping.Wrap(block.Text, Right - x, t => gfx.MeasureString(t, font).Width))
            {
                lines.Add((line, font, x, y));
                y += lineHeight;
            }
            y += block.Kind == LetterBlockKind.Heading ? 0 : lineHeight * 0.45;
        }
        return (lines, y);
    }

    private void AddNoticeIfEmpty()
    {
        if (_document.PageCount > 0) return;
        // A PDF needs at least one page; an empty list still gets a readable answer.
        using var gfx = XGraphics.FromPdfPage(NewPage());
        gfx.DrawString("Er zijn geen huishoudens om een brief voor af te drukken.", _address, Ink, Left, BodyTop, XStringFormats.TopLeft);
    }

    private static FileStream TempFile() => new(Path.Combine(Path.GetTempPath(), $"waardecheque-letters-{Guid.NewGuid():N}.pdf"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
