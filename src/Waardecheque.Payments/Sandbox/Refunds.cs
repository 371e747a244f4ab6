using System.Text.Json.Nodes;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// Refunds by payment intent. Like an iDEAL refund at Stripe, one is answered <c>pending</c> and settles afterwards:
/// here at once, to <c>succeeded</c> (<c>refund.updated</c>) or, when a test asked for it, to <c>failed</c>
/// (<c>refund.updated</c> and <c>refund.failed</c>, the money back as refundable). Never more than was received.
/// </summary>
internal sealed class Refunds(SandboxDatabase db, SandboxEvents events, SandboxChaos chaos)
{
    public const string Type = "refund";

    public static readonly ParameterRules CreateRules = new(
        Allowed: ["payment_intent", "amount", "reason", "metadata[*]", "expand[#]"],
        Hashes: ["metadata"],
        Required: ["payment_intent"],
        Integers: ["amount"],
        Enums: new() { ["reason"] = ["duplicate", "fraudulent", "requested_by_customer"] });

    public async Task<ApiAnswer> CreateAsync(ApiCall call)
    {
        var piId = call.Form["payment_intent"]!;
        if (await db.LoadAsync(call.Connection, call.Transaction, piId, PaymentIntents.Type, forUpdate: true) is not { } pi)
            return StripeErrors.Invalid($"No such payment_intent: '{piId}'", "resource_missing", "payment_intent");
        if (pi.Data["status"]!.GetValue<string>() != "succeeded")
            return StripeErrors.Invalid($"This PaymentIntent ({piId}) does not have a successful charge to refund.", "charge_not_refundable", "payment_intent");

        var received = pi.Data["amount_received"]!.GetValue<long>();
        var refunded = pi.Private["refunded"]!.GetValue<long>();
        var remaining = received - refunded;
        if (remaining == 0)
            return StripeErrors.Invalid($"Charge for PaymentIntent {piId} has already been refunded.", "charge_already_refunded", "payment_intent");
        var amount = call.Form["amount"] is { } a ? long.Parse(a) : remaining;
        if (amount < 1) return StripeErrors.Invalid("Refund amount must be a positive integer.", "parameter_invalid_integer", "amount");
        if (amount > remaining)
            return StripeErrors.Invalid($"Refund amount ({Euro(amount)}) is greater than unrefunded amount on charge ({Euro(remaining)})", "amount_too_large", "amount");

        var metadata = new JsonObject();
        foreach (var (k, v) in call.Form.Hash("metadata")) metadata[k] = v;
        var refund = new StoredObject(StripeIds.Refund(), new JsonObject
        {
            ["object"] = Type,
            ["amount"] = amount,
            ["created"] = call.Now.ToUnixTimeSeconds(),
            ["currency"] = "eur",
            ["metadata"] = metadata,
            ["payment_intent"] = piId,
            ["reason"] = call.Form["reason"],
            ["status"] = "pending",
        }, new JsonObject());
        refund.Data.Insert(0, "id", refund.Id);
        pi.Private["refunded"] = refunded + amount;
        await db.SaveAsync(call.Connection, call.Transaction, pi);
        await db.InsertAsync(call.Connection, call.Transaction, Type, refund);
        await events.RaiseAsync(call.Connection, call.Transaction, "refund.created", refund.Data, null, call.RequestId, call.IdempotencyKey);
        var answer = ApiAnswer.Ok(refund.Data); // the caller sees it pending, as Stripe answers an iDEAL refund

        var pending = new JsonObject { ["status"] = "pending" };
        if (chaos.TakeRefundFailure())
        {
            refund.Data["status"] = "failed";
            refund.Data["failure_reason"] = "declined";
            pi.Private["refunded"] = refunded; // a failed refund gives the amount back to refund
            await db.SaveAsync(call.Connection, call.Transaction, pi);
            await db.SaveAsync(call.Connection, call.Transaction, refund);
            await events.RaiseAsync(call.Connection, call.Transaction, "refund.updated", refund.Data, pending);
            await events.RaiseAsync(call.Connection, call.Transaction, "refund.failed", refund.Data, pending);
        }
        else
        {
            refund.Data["status"] = "succeeded";
            await db.SaveAsync(call.Connection, call.Transaction, refund);
            await events.RaiseAsync(call.Connection, call.Transaction, "refund.updated", refund.Data, pending);
        }
        return answer;
    }

    public async Task<ApiAnswer> GetAsync(ApiCall call) =>
        await db.LoadAsync(call.Connection, call.Transaction, call.Id!, Type, forUpdate: false) is { } refund
            ? ApiAnswer.Ok(refund.Data)
            : StripeErrors.NoSuch("refund", call.Id!);

    private static string Euro(long cents) => $"€{cents / 100}.{cents % 100:00}";
}
