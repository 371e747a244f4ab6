using System.Xml.Linq;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Issuing;

public sealed class QrCodeTests
{
    private const string Url = "https://waardecheque.zoetermeer.nl/c/K7QM-3XRP-9T2C-W";

    [Fact]
    public async Task the_png_decodes_to_the_exact_url()
    {
        var dir = Tools.TempDirectory();
        var path = Path.Combine(dir, "qr.png");
        await File.WriteAllBytesAsync(path, QrCodes.Png(Url));

        Assert.Equal(Url, await Tools.DecodeQrAsync(path));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void the_svg_is_a_scalable_drawing_of_the_same_modules()
    {
        var svg = XDocument.Parse(QrCodes.Svg(Url)).Root!;
        var modules = QrCodes.Modules(Url);

        Assert.Equal("svg", svg.Name.LocalName);
        var viewBox = svg.Attribute("viewBox")!.Value.Split(' ').Select(double.Parse).ToArray();
        Assert.Equal(viewBox[2], viewBox[3]);
        Assert.Equal(0, viewBox[2] % modules.Size); // a whole number of units per module, quiet zone included
    }

    [Fact]
    public void the_modules_carry_a_four_module_quiet_zone_and_runs_cover_exactly_the_dark_modules()
    {
        var modules = QrCodes.Modules(Url);

        for (var i = 0; i < modules.Size; i++)
        for (var q = 0; q < 4; q++)
        {
            Assert.False(modules.IsDark(q, i));
            Assert.False(modules.IsDark(i, q));
            Assert.False(modules.IsDark(modules.Size - 1 - q, i));
            Assert.False(modules.IsDark(i, modules.Size - 1 - q));
        }
        Assert.True(modules.IsDark(4, 4), "the top-left finder pattern starts right after the quiet zone");
        var fromRuns = new HashSet<(int, int)>(modules.DarkRuns().SelectMany(r => Enumerable.Range(r.Column, r.Length).Select(c => (r.Row, c))));
        var dark = Enumerable.Range(0, modules.Size).SelectMany(r => Enumerable.Range(0, modules.Size).Where(c => modules.IsDark(r, c)).Select(c => (r, c)));
        Assert.True(fromRuns.SetEquals(dark));
    }

    [Fact]
    public void the_pdf_operators_draw_every_run_in_module_units_and_fill_once()
    {
        var modules = QrCodes.Modules(Url);

        var operators = QrPdfOperators.For(modules, left: 80, top: 620, size: 150, pageHeight: 842);

        var lines = operators.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(FormattableString.Invariant($"q 0 g {150.0 / modules.Size:0.####} 0 0 -{150.0 / modules.Size:0.####} 80 222 cm"), lines[0]);
        Assert.Equal(modules.DarkRuns().Count(), lines.Count(l => l.EndsWith(" 1 re")));
        Assert.Equal("f Q", lines[^1]);
        var first = modules.DarkRuns().First();
        Assert.Equal($"{first.Column} {first.Row} {first.Length} 1 re", lines[1]);
    }
}
