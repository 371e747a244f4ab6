using Microsoft.Extensions.Logging;

namespace Waardecheque.Payments.Gateway;

/// <summary>
/// Sits under Stripe.net's own HTTP client (whose retries are switched off) so that we decide the back-off, can make it
/// milliseconds in tests, and log every answer's <c>Request-Id</c>, which is what Stripe support asks for. A request is
/// only sent again when that is safe: a GET, or a POST carrying an <c>Idempotency-Key</c> (Stripe replays the first
/// answer). Never logs headers of the request: the Authorization header holds the secret key.
/// </summary>
public sealed class StripeRetryHandler(RetrySettings settings, ILogger logger) : DelegatingHandler
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        // The same message is sent again on a retry; its body must be replayable.
        if (request.Content is not null) await request.Content.LoadIntoBufferAsync(ct);
        var repeatable = request.Method == HttpMethod.Get || request.Headers.Contains(IdempotencyKeyHeader);
        var key = request.Headers.TryGetValues(IdempotencyKeyHeader, out var keys) ? keys.FirstOrDefault() : null;
        var path = request.RequestUri?.AbsolutePath;

        for (var attempt = 1; ; attempt++)
        {
            var mayRetry = repeatable && attempt < settings.Tries;
            HttpResponseMessage response;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                attemptCts.CancelAfter(settings.AttemptTimeout);
                try
                {
                    response = await base.SendAsync(request, attemptCts.Token);
                    // Read the body inside the attempt: a connection dropped halfway is a failed attempt too.
                    await response.Content.LoadIntoBufferAsync(attemptCts.Token);
                }
                catch (Exception e) when (mayRetry && IsConnectionFailure(e, ct))
                {
                    logger.LogWarning("Stripe {Method} {Path} (key {IdempotencyKey}) attempt {Attempt} failed without an answer: {Error}",
                        request.Method, path, key, attempt, e.GetType().Name);
                    await Task.Delay(settings.DelayBefore(attempt + 1, Random.Shared), ct);
                    continue;
                }
            }

            var requestId = Header(response, "Request-Id");
            var replayed = Header(response, "Idempotent-Replayed") == "true";
            var retry = mayRetry && RetryDecision.ShouldRetry(response.StatusCode, Header(response, "Stripe-Should-Retry"));
            logger.Log(response.IsSuccessStatusCode ? LogLevel.Information : LogLevel.Warning,
                "Stripe {Method} {Path} (key {IdempotencyKey}) attempt {Attempt}: {Status}, request {RequestId}{Replayed}{Retrying}",
                request.Method, path, key, attempt, (int)response.StatusCode, requestId,
                replayed ? ", replayed" : "", retry ? ", retrying" : "");
            if (!retry) return response;
            response.Dispose();
            await Task.Delay(settings.DelayBefore(attempt + 1, Random.Shared), ct);
        }
    }

    /// <summary>No answer at all: refused, reset, dropped mid-body, or our per-attempt timeout (not the caller's).</summary>
    private static bool IsConnectionFailure(Exception e, CancellationToken callerToken) => e switch
    {
        HttpRequestException or IOException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
