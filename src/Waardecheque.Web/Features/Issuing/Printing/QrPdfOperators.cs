using System.Globalization;
using System.Text;

namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// A QR code as raw PDF drawing operators. PDFsharp's own shapes cost ~70 bytes a rectangle (four lines and a
/// close, in page coordinates) and were the bulk of the time for 10,000 letters; here a matrix maps one module to
/// one unit, so each run of dark modules is a short <c>col row len 1 re</c>, and one fill paints them all, which
/// also means no light seams between rows (a single fill is rasterised as one shape).
/// </summary>
public static class QrPdfOperators
{
    /// <param name="left">Left edge of the quiet zone, in points from the page's left.</param>
    /// <param name="top">Top edge of the quiet zone, in points from the page's top.</param>
    /// <param name="size">Width and height of the whole code, quiet zone included, in points.</param>
    /// <param name="pageHeight">The page's height in points (PDF's own origin is bottom-left).</param>
    public static string For(QrModules modules, double left, double top, double size, double pageHeight)
    {
        var module = size / modules.Size;
        var pdf = new StringBuilder(4096);
        // Save state, black fill, then module units: x to the right, y downward from the code's top-left.
        pdf.Append("q 0 g ").Append(N(module)).Append(" 0 0 ").Append(N(-module)).Append(' ')
            .Append(N(left)).Append(' ').Append(N(pageHeight - top)).Append(" cm\n");
        foreach (var (row, column, length) in modules.DarkRuns())
            pdf.Append(column).Append(' ').Append(row).Append(' ').Append(length).Append(" 1 re\n");
        return pdf.Append("f Q\n").ToString();
    }

    private static string N(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
