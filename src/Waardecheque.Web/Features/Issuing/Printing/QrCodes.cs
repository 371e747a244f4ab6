using QRCoder;

namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// QR codes for cheque URLs, with error correction M (survives a crease or a coffee stain, yet stays small) and the
/// four-module quiet zone scanners need. QRCoder's System.Drawing renderers do not work on Linux; these do.
/// </summary>
public static class QrCodes
{
    public const QRCodeGenerator.ECCLevel ErrorCorrection = QRCodeGenerator.ECCLevel.M;

    /// <summary>A scalable SVG (viewBox sizing), black on white, quiet zone included.</summary>
    public static string Svg(string url) =>
        new SvgQRCode(Generate(url)).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);

    /// <summary>A 1-bit PNG, quiet zone included, <paramref name="pixelsPerModule"/> pixels per module.</summary>
    public static byte[] Png(string url, int pixelsPerModule = 10) =>
        new PngByteQRCode(Generate(url)).GetGraphic(pixelsPerModule, drawQuietZones: true);

    /// <summary>The modules themselves, for drawing the code as vector shapes (the printed letters).</summary>
    public static QrModules Modules(string url) => QrModules.From(Generate(url));

    private static QRCodeData Generate(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        return QRCodeGenerator.GenerateQrCode(url, ErrorCorrection);
    }
}

/// <summary>An immutable square of modules, quiet zone included: <c>IsDark(row, column)</c>.</summary>
public sealed class QrModules
{
    private readonly bool[] _dark;

    private QrModules(int size, bool[] dark) => (Size, _dark) = (size, dark);

    /// <summary>Modules per side, including the quiet zone on both sides.</summary>
    public int Size { get; }

    public bool IsDark(int row, int column) => _dark[row * Size + column];

    /// <summary>
    /// Each row's dark modules merged into horizontal runs: about half as many shapes as modules, so the PDF stays
    /// small, and no seams appear between neighbouring modules of one row.
    /// </summary>
    public IEnumerable<(int Row, int Column, int Length)> DarkRuns()
    {
        for (var row = 0; row < Size; row++)
        {
            var column = 0;
            while (column < Size)
            {
                if (!IsDark(row, column)) { column++; continue; }
                var start = column;
                while (column < Size && IsDark(row, column)) column++;
                yield return (row, start, column - start);
            }
        }
    }

    internal static QrModules From(QRCodeData data)
    {
        // QRCoder's matrix already carries the quiet zone (its "padding").
        var size = data.ModuleMatrix.Count;
        var dark = new bool[size * size];
        for (var row = 0; row < size; row++)
            for (var column = 0; column < size; column++)
                dark[row * size + column] = data.ModuleMatrix[row][column];
        return new QrModules(size, dark);
    }
}
