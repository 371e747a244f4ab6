using Waardecheque.Payments;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// Where the top-up form's 303 leads: Stripe Checkout's origin with a real key, else the built-in sandbox's (the
/// configured Stripe base URL, or the app's public address). The idea page allows it as a form target in its
/// Content-Security-Policy, because browsers check <c>form-action</c> against the redirect too.
/// </summary>
public static class TopUpCheckoutOrigin
{
    public const string StripeCheckout = "https://checkout.stripe.com";

    public static string Of(IConfiguration config)
    {
        if (!PaymentsServices.UsesSandbox(config)) return StripeCheckout;
        var sandbox = config[PaymentsConfig.BaseUrl] is { Length: > 0 } baseUrl ? baseUrl
            : config[WebConfig.PublicBaseUrl] is { Length: > 0 } publicUrl ? publicUrl
            : "http://localhost:5063";
        return Uri.TryCreate(sandbox, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : StripeCheckout;
    }
}
