namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>What every letter of one program says.</summary>
/// <param name="MunicipalityName">The sender, e.g. "Gemeente Zoetermeer".</param>
/// <param name="ProgramName">e.g. "Seghwaert Doet 2026".</param>
/// <param name="ClosesAt">The program's closesAt: the deadline printed on the letter.</param>
/// <param name="PublicBaseUrl">The app's public address; the QR code points at <c>{PublicBaseUrl}/c/{code}</c>.</param>
/// <param name="WalkInPoint">Where residents get help in person, e.g. "Buurthuis Seghwaert, Seghwaertseweg 2, ma-vr 10-16 uur"; optional.</param>
public sealed record LetterProgram(
    string MunicipalityName,
    string ProgramName,
    long ChequeValueCents,
    int MinHouseholdsPerIdea,
    DateTimeOffset ClosesAt,
    string PublicBaseUrl,
    string? WalkInPoint = null);

/// <summary>One household's letter.</summary>
/// <param name="AddressLine1">Street, number, huisletter and toevoeging: "Vlamingstraat 12 A-2".</param>
/// <param name="Code">The cheque's text code as printed, e.g. "K7QM-3XRP-9T2C-W"; also the QR URL's last segment.</param>
public sealed record LetterRecipient(string AddressLine1, string Postcode, string City, string Code);
