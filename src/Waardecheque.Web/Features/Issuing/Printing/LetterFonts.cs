using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// Serves PDFsharp the DejaVu fonts embedded in this assembly (Linux has no font PDFsharp can find by itself).
/// PDFsharp allows one resolver per process, set before the first font is used, so registration is idempotent.
/// </summary>
internal sealed class LetterFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Mono = "DejaVu Sans Mono";

    private static readonly LetterFonts Instance = new();
    private static readonly Lock Gate = new();
    private readonly ConcurrentDictionary<string, byte[]> _faces = new();

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is null) GlobalFontSettings.FontResolver = Instance;
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic)
    {
        // Only bold mono is embedded (for the code); anything else falls back to DejaVu Sans.
        var face = familyName.Equals(Mono, StringComparison.OrdinalIgnoreCase) ? "DejaVuSansMono-Bold"
            : isBold ? "DejaVuSans-Bold" : "DejaVuSans";
        return new FontResolverInfo(face, mustSimulateBold: false, mustSimulateItalic: isItalic);
    }

    public byte[] GetFont(string faceName) => _faces.GetOrAdd(faceName, static name =>
    {
        using var stream = typeof(LetterFonts).Assembly.GetManifestResourceStream($"Waardecheque.Fonts.{name}.ttf")
                           ?? throw new InvalidOperationException($"Font {name} is not embedded in the web assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });
}
