using PdfSharp;
using PdfSharp.Pdf;

namespace Waardecheque.Web.Printing;

/// <summary>
/// PDFsharp 6.5 is licensed AGPL-3.0 or commercially, and refuses to work until the program says which. That is a
/// decision for whoever runs Waardecheque (AGPL obliges offering the app's source to everyone who uses it over the
/// network), so the code never makes it: the operator sets <c>Waardecheque:Printing:PdfSharpLicense</c> to
/// <c>AGPL</c> or to a commercial licence key. Without it everything works except printing letters.
/// </summary>
public static class PdfLicensing
{
    public const string Agpl = "AGPL";

    private static volatile bool _usable;

    /// <summary>Applies the operator's choice; returns whether PDFsharp now accepts it (an empty choice changes nothing).</summary>
    public static bool Apply(string? choice)
    {
        if (string.IsNullOrWhiteSpace(choice)) return _usable;
        if (choice.Trim().Equals(Agpl, StringComparison.OrdinalIgnoreCase)) PdfSharpLicense.SetAgplLicense();
        else PdfSharpLicense.LoadLicense(choice.Trim());
        // PDFsharp keeps its own check internal; making a document is how to ask it.
        try
        {
            new PdfDocument().Dispose();
            _usable = true;
        }
        catch (PdfSharp.License.PdfSharpLicenseException)
        {
            _usable = false;
        }
        return _usable;
    }

    internal static void EnsureChosen()
    {
        if (!_usable) throw new PdfLicenseNotChosenException();
    }
}

public sealed class PdfLicenseNotChosenException() : InvalidOperationException(
    "Letters cannot be printed: PDFsharp 6.5 needs a licence choice. Set Waardecheque:Printing:PdfSharpLicense to " +
    "'AGPL' (Waardecheque is then used under AGPL-3.0 terms) or to a commercial PDFsharp licence key. See docs/web.md.");
