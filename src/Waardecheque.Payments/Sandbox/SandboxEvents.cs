using System.Text.Json.Nodes;
using Npgsql;
using Stripe;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// Raises Stripe events inside the transaction that changed the object, so an event exists exactly when its change
/// does. The body is rendered once, in the API version Stripe.net is pinned to, and kept as text: every delivery of
/// one event sends the same bytes (only the signature's timestamp differs).
/// </summary>
internal sealed class SandboxEvents(SandboxDatabase db, SandboxChaos chaos, TimeProvider clock)
{
    public async Task<string> RaiseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string type, JsonObject obj,
        JsonObject? previousAttributes = null, string? requestId = null, string? idempotencyKey = null)
    {
        var id = StripeIds.Event();
        var data = new JsonObject { ["object"] = obj.DeepClone() };
        if (previousAttributes is not null) data["previous_attributes"] = previousAttributes.DeepClone();
        var body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = StripeConfiguration.ApiVersion,
            ["created"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = data,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = requestId, ["idempotency_key"] = idempotencyKey },
            ["type"] = type,
        };
        await SandboxDatabase.Exec(conn, tx, $"insert into {db.S}.events (id, type, body) values ($1, $2, $3)", id, type, body.ToJsonString());
        var copies = chaos.DeliverEventsTwice ? 2 : 1;
        for (var i = 0; i < copies; i++)
            await SandboxDatabase.Exec(conn, tx, $"insert into {db.S}.outbox (event_id) values ($1)", id);
        return id;
    }
}
