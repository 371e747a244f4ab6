using Waardecheque.Web.Errors;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Hosting;

/// <summary>The configuration keys of API.md, in one place so a typo cannot hide in a string literal elsewhere.</summary>
public static class WebConfig
{
    public const string ConnectionStringName = "Waardecheque";
    public const string Schema = "Waardecheque:Schema";
    public const string PublicBaseUrl = "Waardecheque:PublicBaseUrl";
    public const string BootstrapAdminEmail = "Waardecheque:BootstrapAdmin:Email";
    public const string BootstrapAdminPassword = "Waardecheque:BootstrapAdmin:Password";
    public const string LogFormat = "Waardecheque:Logging:Format";
    public const string CodeAttemptLimit = "Waardecheque:CodeAttempts:Limit";
    public const string CodeAttemptWindowSeconds = "Waardecheque:CodeAttempts:WindowSeconds";
    public const string TrustedProxies = "Waardecheque:TrustedProxies";

    /// <summary>The server-side secret every cheque code is derived from (letters can be reprinted from it).</summary>
    public const string CodeKey = "Waardecheque:CodeKey";
    public const string Demo = "Waardecheque:Demo";

    /// <summary>Households per issuing transaction (default 5,000): each batch is one step of the page's progress.</summary>
    public const string IssueBatchSize = "Waardecheque:Issuing:BatchSize";

    public const string DefaultSchema = "waardecheque";

    /// <summary>The address printed in QR codes; a server without it cannot make cheque links.</summary>
    public static string PublicBaseUrlOf(IConfiguration config) =>
        config[PublicBaseUrl] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out _)
            ? url
            : throw new ApiProblemException(503, ProblemCodes.NotConfigured,
                $"{PublicBaseUrl} is niet ingesteld: zonder dit adres kunnen geen QR-codes gemaakt worden.");
}
