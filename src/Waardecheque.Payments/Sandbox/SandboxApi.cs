using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// What every sandbox API request goes through, in Stripe's order: the API key, injected trouble, the parameters
/// (refused before any work and without taking the idempotency key), then the idempotency key (in flight: 409;
/// stored with other parameters: 400; stored: replayed with <c>Idempotent-Replayed: true</c>), then the work and its
/// stored answer in one transaction.
/// </summary>
internal sealed class SandboxApi(SandboxDatabase db, SandboxChaos chaos, StripeSandboxOptions options, TimeProvider clock,
    ILogger<SandboxApi> logger)
{
    public async Task HandleAsync(HttpContext http, string prefix, ParameterRules rules, Func<ApiCall, Task<ApiAnswer>> work)
    {
        var requestId = StripeIds.Request();
        var path = http.Request.Path.Value ?? "";
        http.Response.Headers["Request-Id"] = requestId;
        http.Response.Headers["Stripe-Version"] = StripeConfiguration.ApiVersion;

        if (ApiKeyOf(http.Request) is not { } key || !FixedTimeEquals(key, options.ApiKey))
        {
            await WriteAsync(http, StripeErrors.Answer(401, "invalid_request_error",
                $"Invalid API Key provided: {Masked(ApiKeyOf(http.Request))}"));
            return;
        }

        if (chaos.TakeFailure(path) is { } injected)
        {
            logger.LogInformation("Stripe sandbox: injected {Status} on {Path}", injected, path);
            if (injected == 409) http.Response.Headers["Stripe-Should-Retry"] = "true";
            await WriteAsync(http, Injected(injected));
            return;
        }

        var isPost = HttpMethods.IsPost(http.Request.Method);
        var encoded = isPost ? await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync(http.RequestAborted)
                             : http.Request.QueryString.Value?.TrimStart('?') ?? "";
        var form = StripeForm.Parse(encoded);
        if (rules.Check(form) is { } refused)
        {
            await WriteAsync(http, refused);
            return;
        }

        var idempotencyKey = isPost ? http.Request.Headers["Idempotency-Key"].FirstOrDefault() : null;
        var scope = idempotencyKey is null ? null : $"{key}\n{idempotencyKey}";
        var requestHash = Hash(http.Request.Method, path, form);
        var sandboxBase = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{prefix}";

        await using var conn = await db.OpenAsync(http.RequestAborted);
        await using var tx = await conn.BeginTransactionAsync(http.RequestAborted);
        if (scope is not null)
        {
            // A transaction-scoped advisory lock marks the key "in flight"; a process that dies releases it with its
            // connection, so a crashed request never blocks its key forever.
            await using (var tryLock = SandboxDatabase.Command(conn, tx, "select pg_try_advisory_xact_lock(hashtextextended($1, 0))", scope))
            {
                if (!(bool)(await tryLock.ExecuteScalarAsync(http.RequestAborted))!)
                {
                    await WriteAsync(http, StripeErrors.Answer(409, "idempotency_error",
                        "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " +
                        $"{idempotencyKey}. Please try again later."));
                    return;
                }
            }
            if (await StoredAsync(conn, tx, scope) is { } stored)
            {
                if (stored.Hash != requestHash)
                {
                    http.Response.Headers["Stripe-Should-Retry"] = "false";
                    await WriteAsync(http, StripeErrors.Answer(400, "idempotency_error",
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request."));
                    return;
                }
                http.Response.Headers["Request-Id"] = stored.RequestId;
                http.Response.Headers["Idempotent-Replayed"] = "true";
                await WriteAsync(http, new ApiAnswer(stored.Status, stored.Body));
                return;
            }
        }

        var id = http.Request.RouteValues["id"] as string;
        var answer = await work(new ApiCall(form, conn, tx, requestId, idempotencyKey, clock.GetUtcNow(), sandboxBase, id));
        if (scope is not null)
            await SandboxDatabase.Exec(conn, tx,
                $"insert into {db.S}.idempotency (scope, request_hash, status, body, request_id) values ($1, $2, $3, $4, $5)",
                scope, requestHash, answer.Status, answer.Json, requestId);
        if (chaos.TakeSlow(path) is { } delay) await Task.Delay(delay, http.RequestAborted);
        await tx.CommitAsync(http.RequestAborted);

        if (chaos.TakeDrop(path))
        {
            logger.LogInformation("Stripe sandbox: dropping the connection after the work on {Path}", path);
            http.Abort();
            return;
        }
        await WriteAsync(http, answer);
    }

    public static async Task WriteAsync(HttpContext http, ApiAnswer answer)
    {
        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.Json, http.RequestAborted);
    }

    private static ApiAnswer Injected(int status) => status switch
    {
        429 => StripeErrors.Answer(429, "invalid_request_error",
            "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit"),
        409 => StripeErrors.Answer(409, "invalid_request_error", "This object cannot be accessed right now because another API request or Stripe process is currently accessing it.", "lock_timeout"),
        _ => StripeErrors.Answer(status, "api_error", "An unknown error occurred (injected by the Waardecheque sandbox)."),
    };

    /// <summary>Bearer, as Stripe.net sends it, or Basic with the key as user name, as curl examples do.</summary>
    private static string? ApiKeyOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null) return null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try { return Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':')[0]; }
            catch (FormatException) { return null; }
        }
        return null;
    }

    private static string Masked(string? key) => key is { Length: > 8 } ? $"{key[..8]}****{key[^4..]}" : "****";

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Same method, path and parameters (in any order) give the same hash: what "the same request" means to Stripe.</summary>
    private static string Hash(string method, string path, StripeForm form)
    {
        var canonical = new StringBuilder(method).Append(' ').Append(path);
        foreach (var (k, v) in form.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal)) canonical.Append('\n').Append(k).Append('=').Append(v);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private async Task<Stored?> StoredAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, string scope)
    {
        await using var cmd = SandboxDatabase.Command(conn, tx,
            $"select request_hash, status, body, request_id from {db.S}.idempotency where scope = $1", scope);
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new Stored(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3)) : null;
    }

    private sealed record Stored(string Hash, int Status, string Body, string RequestId);
}
