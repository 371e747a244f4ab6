using System.Net;
using System.Text.Json;

namespace Waardecheque.Web.Tests.Drills;

/// <summary>One answer a drill's traffic got: enough to check afterwards that every failure was a clean one.</summary>
public sealed record DrillOutcome(string Phase, string What, HttpStatusCode Status, string? MediaType, string? Code,
    TimeSpan? RetryAfter, string Body)
{
    public static async Task<DrillOutcome> ReadAsync(string phase, string what, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        string? code = null;
        if (mediaType == "application/problem+json")
            code = JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return new DrillOutcome(phase, what, response.StatusCode, mediaType, code, response.Headers.RetryAfter?.Delta, body);
    }

    /// <summary>The database was away: 503 problem+json, code <c>unavailable</c>, with a Retry-After.</summary>
    public bool IsCleanUnavailable =>
        Status == HttpStatusCode.ServiceUnavailable && MediaType == "application/problem+json" && Code == "unavailable"
        && RetryAfter > TimeSpan.Zero;

    public override string ToString() => $"[{Phase}] {What}: {(int)Status} {MediaType} {Code} retry-after={RetryAfter} {Body[..Math.Min(Body.Length, 300)]}";
}
