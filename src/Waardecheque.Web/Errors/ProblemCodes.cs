namespace Waardecheque.Web.Errors;

/// <summary>
/// The stable <c>code</c> of the problems the host itself produces (API.md), and the Dutch title and detail a
/// resident or clerk sees when nothing more specific was said. Domain rule codes (DOMAIN.md) come from the domain.
/// </summary>
public static class ProblemCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string NotFound = "not_found";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string Conflict = "conflict";
    public const string RateLimited = "rate_limited";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string UriTooLong = "uri_too_long";
    public const string HeadersTooLarge = "headers_too_large";
    public const string InternalError = "internal_error";
    public const string Unavailable = "unavailable";
    public const string NotReady = "not_ready";
    /// <summary>A setting the endpoint needs is missing (e.g. Waardecheque:PublicBaseUrl for QR codes): 503.</summary>
    public const string NotConfigured = "not_configured";

    public static string ForStatus(int status) => status switch
    {
        400 => ValidationFailed,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        414 => UriTooLong,
        431 => HeadersTooLarge,
        429 => RateLimited,
        503 => Unavailable,
        >= 500 => InternalError,
        _ => $"http_{status}",
    };

    public static string TitleFor(int status) => status switch
    {
        400 => "Ongeldige invoer",
        401 => "Niet aangemeld",
        403 => "Geen toegang",
        404 => "Niet gevonden",
        405 => "Methode niet toegestaan",
        409 => "Conflict",
        413 => "Aanvraag te groot",
        415 => "Formaat niet ondersteund",
        414 => "Adres te lang",
        431 => "Kopregels te groot",
        422 => "Niet toegestaan volgens de regels",
        429 => "Te veel pogingen",
        503 => "Tijdelijk niet beschikbaar",
        >= 500 => "Er ging iets mis",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };

    public static string DetailFor(int status) => status switch
    {
        400 => "De aanvraag kon niet worden gelezen. Controleer de invoer.",
        401 => "U bent niet aangemeld of uw sessie is verlopen. Meld u opnieuw aan.",
        403 => "U hebt geen toegang tot deze functie.",
        404 => "Dit adres bestaat niet.",
        405 => "Deze methode is op dit adres niet toegestaan.",
        409 => "De aanvraag botst met de huidige toestand. Laad de gegevens opnieuw en probeer het nog eens.",
        413 => "De aanvraag is te groot.",
        415 => "Dit formaat wordt hier niet ondersteund.",
        414 => "Het adres van de aanvraag is te lang (hoogstens 8 KB met de zoekvragen).",
        431 => "De kopregels (headers) van de aanvraag zijn te groot (hoogstens 100 regels, samen 32 KB).",
        429 => "Te veel mislukte pogingen. Wacht even en probeer het dan opnieuw.",
        503 => "De dienst is tijdelijk niet beschikbaar. Probeer het zo opnieuw.",
        >= 500 => "Er ging aan onze kant iets mis. Probeer het later opnieuw.",
        _ => TitleFor(status),
    };
}
