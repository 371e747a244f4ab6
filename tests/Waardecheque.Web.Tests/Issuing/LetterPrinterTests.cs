using System.Runtime.CompilerServices;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Texts;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Issuing;

public sealed class LetterPrinterTests : IDisposable
{
    private static readonly LetterProgram Program = new(
        "Gemeente Zoetermeer", "Seghwaert Doet 2026", 750, 3,
        new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)),
        "https://waardecheque.zoetermeer.nl", "Buurthuis Seghwaert, ma t/m vr 10.00-16.00 uur");

    private static readonly LetterRecipient[] Households =
    [
        new("Vlamingstraat 12", "2713AB", "Zoetermeer", "K7QM-3XRP-9T2C-W"),
        new("Seghwaertseweg 101 A-2", "2716 LD", "Zoetermeer", "H2DF-8NVE-Q4KT-7"),
        new("Brechtzijde 3 b", "2725 NK", "zoetermeer", "Z9AB-C4DE-5FGH-J"),
    ];

    private readonly string _dir = Tools.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task every_page_scans_to_its_own_households_url_and_shows_its_code_and_address()
    {
        var pdf = Path.Combine(_dir, "letters.pdf");
        await using (var file = File.Create(pdf))
        {
            Assert.Equal(3, await LetterPrinter.WriteAsync(Program, Stream(Households), file));
        }

        Assert.Contains("Pages:           3", await Tools.RunAsync("pdfinfo", pdf));
        await Tools.RunAsync("pdftoppm", "-r", "150", "-png", pdf, Path.Combine(_dir, "page"));
        var images = Directory.GetFiles(_dir, "page-*.png").Order().ToArray();
        Assert.Equal(3, images.Length);
        for (var page = 0; page < 3; page++)
        {
            var household = Households[page];
            Assert.Equal($"https://waardecheque.zoetermeer.nl/c/{household.Code}", await Tools.DecodeQrAsync(images[page]));
            var text = Flatten(await Tools.RunAsync("pdftotext", "-f", $"{page + 1}", "-l", $"{page + 1}", pdf, "-"));
            Assert.Contains(household.Code, text);
            Assert.Contains(household.AddressLine1, text);
            Assert.Contains(Flatten(DutchText.PostcodeLine(household.Postcode, household.City)), text);
            foreach (var other in Households.Where(h => h != household)) Assert.DoesNotContain(other.Code, text);
        }
    }

    [Fact]
    public async Task the_letter_explains_the_scheme_with_the_deadline_in_dutch()
    {
        var pdf = Path.Combine(_dir, "one.pdf");
        await using (var file = File.Create(pdf)) LetterPrinter.Write(Program, Households.Take(1), file);

        var text = Flatten(await Tools.RunAsync("pdftotext", pdf, "-"));

        Assert.Contains("Gemeente Zoetermeer", text);
        Assert.Contains("Uw waardecheque van € 7,50", text);
        Assert.Contains("Scan de QR-code", text);
        Assert.Contains("minstens 3 huishoudens", text);
        Assert.Contains("tot en met 31 december 2026", text); // closes at midnight: the last day is the 31st
        Assert.Contains("Buurthuis Seghwaert", text);
        Assert.Contains("waardecheque.zoetermeer.nl", text);
        Assert.Contains("Bewaar deze brief goed.", text); // the last paragraph: the body fits above the code box
    }

    [Fact]
    public async Task letters_can_be_written_to_a_stream_that_cannot_seek()
    {
        using var sink = new ForwardOnlyStream();

        var count = await LetterPrinter.WriteAsync(Program, Households, sink);

        Assert.Equal(3, count);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(sink.Written.ToArray(), 0, 5));
    }

    [Fact]
    public async Task no_households_still_gives_a_valid_pdf_that_says_so()
    {
        var pdf = Path.Combine(_dir, "empty.pdf");
        await using (var file = File.Create(pdf)) Assert.Equal(0, LetterPrinter.Write(Program, [], file));

        Assert.Contains("geen huishoudens", await Tools.RunAsync("pdftotext", pdf, "-"));
    }

    [Fact]
    public void a_public_base_url_that_is_not_an_address_is_refused_before_printing()
    {
        Assert.Throws<ArgumentException>(() =>
            LetterPrinter.Write(Program with { PublicBaseUrl = "waardecheque" }, Households, new MemoryStream()));
    }

    private static string Flatten(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    private static async IAsyncEnumerable<LetterRecipient> Stream(IEnumerable<LetterRecipient> items,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private sealed class ForwardOnlyStream : Stream
    {
        public MemoryStream Written { get; } = new();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);
    }
}
