using System.Text;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Web.Demo;

/// <summary>
/// The demo program "Seghwaert Doet 2026" in Zoetermeer (GM0637). The buurt codes (BU0637 + wijk 03 + buurt 01..03),
/// the street names and the 2716 postcodes are plausible for Seghwaert, not taken from the CBS or the BAG: a demo
/// must not print real addresses.
/// </summary>
public static class DemoData
{
    public const string ProgramName = "Seghwaert Doet 2026";
    public const string MunicipalityCode = "GM0637";

    public const string Tuinen = "BU06370301";
    public const string Vaarten = "BU06370302";
    public const string Weiden = "BU06370303";

    public static IReadOnlyList<Buurt> Buurten { get; } = [new(Tuinen, "Tuinen"), new(Vaarten, "Vaarten"), new(Weiden, "Weiden")];

    public sealed record DemoStreet(string Name, string BuurtCode, string OddPostcode, string EvenPostcode);

    /// <summary>Four streets a buurt, 25 numbers a street, and a huisletter "A" at every 7th number: 336 households.</summary>
    public static IReadOnlyList<DemoStreet> Streets { get; } =
    [
        new("Rozentuin", Tuinen, "2716 BA", "2716 BB"),
        new("Kruidentuin", Tuinen, "2716 BC", "2716 BE"),
        new("Appeltuin", Tuinen, "2716 BG", "2716 BH"),
        new("Bloementuin", Tuinen, "2716 BJ", "2716 BK"),
        new("Noordvaart", Vaarten, "2716 CA", "2716 CB"),
        new("Zuidvaart", Vaarten, "2716 CC", "2716 CE"),
        new("Trekvaart", Vaarten, "2716 CG", "2716 CH"),
        new("Lange Vaart", Vaarten, "2716 CJ", "2716 CK"),
        new("Klaverweide", Weiden, "2716 DA", "2716 DB"),
        new("Boterbloemweide", Weiden, "2716 DC", "2716 DE"),
        new("Madeliefweide", Weiden, "2716 DG", "2716 DH"),
        new("Paardenweide", Weiden, "2716 DJ", "2716 DK"),
    ];

    public const int NumbersPerStreet = 25;

    public sealed record DemoAddress(DemoStreet Street, int Number, string? Letter)
    {
        public string Postcode => Number % 2 == 1 ? Street.OddPostcode : Street.EvenPostcode;
        public override string ToString() => $"{Street.Name} {Number}{(Letter is null ? "" : " " + Letter)}";
    }

    public static IEnumerable<DemoAddress> Addresses() =>
        from street in Streets
        from number in Enumerable.Range(1, NumbersPerStreet)
        from letter in number % 7 == 0 ? new[] { null, "A" } : new string?[] { null }
        select new DemoAddress(street, number, letter);

    /// <summary>The address list as a municipality would send it, through the same import as any other.</summary>
    public static string Csv()
    {
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        foreach (var a in Addresses())
            csv.Append($"{a.Postcode},{a.Number},{a.Letter},,{a.Street.Name},{a.Street.BuurtCode}\n");
        return csv.ToString();
    }

    public static DemoAddress At(string street, int number) => new(Streets.Single(s => s.Name == street), number, null);

    /// <summary>
    /// A one-page PDF receipt, written by hand (no PDF library, so the demo needs no PDF licence to seed). Its
    /// cross-reference offsets are computed, so readers open it without repair.
    /// </summary>
    public static byte[] ReceiptPdf(string line1, string line2)
    {
        static string Escape(string s) => s.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)");
        var content = $"BT /F1 14 Tf 50 780 Td (Kassabon - demo) Tj 0 -24 Td ({Escape(line1)}) Tj 0 -20 Td ({Escape(line2)}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {Encoding.Latin1.GetByteCount(content)} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append($"{offset:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }
}
