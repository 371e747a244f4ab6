using System.Text;
using Waardecheque.Payments.Webhooks;
using Waardecheque.Web.Api;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// <c>POST /api/v1/payments/stripe/webhook</c> (API.md "Payments"): Stripe's events, verified against the RAW body with
/// the webhook endpoint's secret (or the sandbox's). A forged, old, unversioned or other-version event is a 400 and
/// nothing is stored; a verified one is applied once (<see cref="StripeEventInbox"/>) and answered 200 fast, a duplicate too.
/// </summary>
internal sealed class StripeWebhookEndpoint : IEndpointModule
{
    public const string Path = "/payments/stripe/webhook";   // = PaymentsServices.WebhookPath under /api/v1
    /// <summary>Stripe's events are a few kilobytes; a body this big is no event of theirs.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup(ApiServices.Prefix).WithTags("Payments")
            .MapPost(Path, ReceiveAsync)
            .AllowAnonymous()
            .WithName("StripeWebhook")
            .WithSummary("Stripe events (checkout.session.completed / async_payment_succeeded / async_payment_failed / expired, " +
                         "refund.updated, refund.failed), signed with Stripe-Signature over the raw body. 400 when the signature, " +
                         "its age or the event's API version is wrong (nothing is stored); 200 otherwise, once per event id.")
            .AcceptsRawBody("application/json")
            .WithRequestHeader("Stripe-Signature", "Stripe's signature of the raw body: t=<unix time>,v1=<hex HMAC-SHA256>[,v1=...]")
            .Produces<WebhookAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<IResult> ReceiveAsync(HttpContext http, StripeWebhookSecret secrets, StripeEventInbox inbox, TimeProvider time,
        ILogger<StripeWebhookEndpoint> log)
    {
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        var verdict = StripeWebhooks.Verify(body ?? "", http.Request.Headers["Stripe-Signature"].ToString(),
            await secrets.GetAsync(http.RequestAborted), time.GetUtcNow());
        if (body is null || !verdict.Accepted)
        {
            log.LogWarning("Stripe webhook refused: {Refusal} {Reason}", body is null ? "TooLarge" : verdict.Refusal, verdict.Reason);
            throw ApiProblemException.Validation(new Dictionary<string, string[]>
            {
                ["Stripe-Signature"] = [$"Dit bericht is niet aangenomen ({(body is null ? "te groot" : verdict.Refusal.ToString())})."],
            }, "Het webhook-bericht is niet door Stripe ondertekend zoals verwacht.");
        }
        var outcome = await inbox.ApplyAsync(verdict.Event!, http.RequestAborted);
        return Results.Ok(new WebhookAnswer(verdict.Event!.Id, outcome.ToString().ToLowerInvariant()));
    }

    /// <summary>The body exactly as sent (a re-serialised one would not match the signature); null when it is too big.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary><see cref="Outcome"/>: handled, duplicate or ignored (an event with nothing to do).</summary>
public sealed record WebhookAnswer(string EventId, string Outcome);
