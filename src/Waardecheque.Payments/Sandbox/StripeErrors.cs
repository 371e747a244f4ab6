using System.Text.Json.Nodes;

namespace Waardecheque.Payments.Sandbox;

/// <summary>An answer of the sandbox's API: status and the JSON body exactly as it is sent (and replayed).</summary>
internal sealed record ApiAnswer(int Status, string Json)
{
    public static ApiAnswer Ok(JsonObject body) => new(200, body.ToJsonString());
}

/// <summary>Stripe's error body: <c>{"error":{"type","code","param","message"}}</c>, which Stripe.net turns into StripeException.</summary>
internal static class StripeErrors
{
    public static ApiAnswer Answer(int status, string type, string message, string? code = null, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null) error["code"] = code;
        if (param is not null) error["param"] = param;
        return new ApiAnswer(status, new JsonObject { ["error"] = error }.ToJsonString());
    }

    public static ApiAnswer Invalid(string message, string? code = null, string? param = null) =>
        Answer(400, "invalid_request_error", message, code, param);

    public static ApiAnswer UnknownParameter(string key) =>
        Invalid($"Received unknown parameter: {key}", "parameter_unknown", key);

    public static ApiAnswer MissingParameter(string key) =>
        Invalid($"Missing required param: {key}.", "parameter_missing", key);

    public static ApiAnswer NoSuch(string kind, string id, string param = "id") =>
        Answer(404, "invalid_request_error", $"No such {kind}: '{id}'", "resource_missing", param);
}
