using System.Text.Json.Nodes;
using Npgsql;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// Checkout Sessions in the sandbox: created open and unpaid, completed by the pay page (a payment intent appears,
/// payment_status paid), or expired (at <c>expires_at</c>, by the API, or by a test). Each change raises its event.
/// </summary>
internal sealed class CheckoutSessions(SandboxDatabase db, SandboxEvents events)
{
    public const string Type = "checkout.session";

    /// <summary>Stripe allows 30 minutes to 24 hours; a minute of slack covers clocks and a retried request.</summary>
    private static readonly TimeSpan ShortestLife = TimeSpan.FromMinutes(29);
    private static readonly TimeSpan LongestLife = TimeSpan.FromHours(24);

    public static readonly ParameterRules CreateRules = new(
        Allowed:
        [
            "mode", "allowed_payment_method_types[#]", "success_url", "cancel_url", "client_reference_id", "customer_email",
            "metadata[*]", "expires_at", "locale", "expand[#]", "line_items[#][quantity]", "line_items[#][price_data][currency]",
            "line_items[#][price_data][unit_amount]", "line_items[#][price_data][product_data][name]",
            "line_items[#][price_data][product_data][description]",
        ],
        Hashes: ["metadata"],
        Required:
        [
            "mode", "success_url", "line_items[#][quantity]", "line_items[#][price_data][currency]",
            "line_items[#][price_data][unit_amount]", "line_items[#][price_data][product_data][name]",
        ],
        Integers: ["expires_at", "line_items[#][quantity]", "line_items[#][price_data][unit_amount]"],
        Enums: new()
        {
            ["mode"] = ["payment"],
            ["allowed_payment_method_types[#]"] = ["card", "ideal"],
            ["line_items[#][price_data][currency]"] = ["eur"],
        });

    public static readonly ParameterRules ReadRules = new(["expand[#]"], [], [], []);

    public async Task<ApiAnswer> CreateAsync(ApiCall call)
    {
        var form = call.Form;
        if (Refusal(form, call.Now) is { } refused) return refused;

        var lines = new JsonArray();
        long total = 0;
        foreach (var i in form.Indices("line_items"))
        {
            var quantity = long.Parse(form[$"line_items[{i}][quantity]"]!);
            var unit = long.Parse(form[$"line_items[{i}][price_data][unit_amount]"]!);
            total = checked(total + checked(quantity * unit));
            lines.Add(new JsonObject { ["name"] = form[$"line_items[{i}][price_data][product_data][name]"], ["unit_amount"] = unit, ["quantity"] = quantity });
        }
        if (total < 50) return StripeErrors.Invalid("The Checkout Session's total amount due must add up to at least €0.50 eur", "amount_too_small");

        var id = StripeIds.Session();
        var methods = new JsonArray(form.Indices("allowed_payment_method_types")
            .Select(i => (JsonNode)JsonValue.Create(form[$"allowed_payment_method_types[{i}]"])!).ToArray());
        if (methods.Count == 0) methods = ["card"];
        var metadata = new JsonObject();
        foreach (var (k, v) in form.Hash("metadata")) metadata[k] = v;
        var session = new JsonObject
        {
            ["id"] = id,
            ["object"] = Type,
            ["allowed_payment_method_types"] = methods.DeepClone(),
            ["amount_subtotal"] = total,
            ["amount_total"] = total,
            ["cancel_url"] = form["cancel_url"],
            ["client_reference_id"] = form["client_reference_id"],
            ["created"] = call.Now.ToUnixTimeSeconds(),
            ["currency"] = "eur",
            ["customer_email"] = form["customer_email"],
            ["expires_at"] = form["expires_at"] is { } e ? long.Parse(e) : (call.Now + LongestLife).ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["locale"] = form["locale"],
            ["metadata"] = metadata,
            ["mode"] = "payment",
            ["payment_intent"] = null,
            ["payment_method_types"] = methods,
            ["payment_status"] = "unpaid",
            ["status"] = "open",
            ["success_url"] = form["success_url"],
            ["url"] = $"{call.SandboxBaseUrl}/checkout/{id}",
        };
        await db.InsertAsync(call.Connection, call.Transaction, Type, new StoredObject(id, session, new JsonObject { ["lines"] = lines }));
        return ApiAnswer.Ok(session);
    }

    public async Task<ApiAnswer> GetAsync(ApiCall call) =>
        await db.LoadAsync(call.Connection, call.Transaction, call.Id!, Type, forUpdate: false) is { } session
            ? ApiAnswer.Ok(session.Data)
            : StripeErrors.NoSuch("checkout.session", call.Id!);

    public async Task<ApiAnswer> ExpireAsync(ApiCall call)
    {
        if (await db.LoadAsync(call.Connection, call.Transaction, call.Id!, Type, forUpdate: true) is not { } session)
            return StripeErrors.NoSuch("checkout.session", call.Id!);
        if (Status(session) != "open")
            return StripeErrors.Invalid($"Only Checkout Sessions with a status in [\"open\"] can be expired. This session has status \"{Status(session)}\".");
        await ExpireAsync(call.Connection, call.Transaction, session, call.RequestId, call.IdempotencyKey);
        return ApiAnswer.Ok(session.Data);
    }

    /// <summary>Open -> expired, with <c>checkout.session.expired</c>. The caller holds the row lock.</summary>
    public async Task ExpireAsync(NpgsqlConnection conn, NpgsqlTransaction tx, StoredObject session, string? requestId = null, string? idempotencyKey = null)
    {
        session.Data["status"] = "expired";
        session.Data["url"] = null;
        await db.SaveAsync(conn, tx, session);
        await events.RaiseAsync(conn, tx, "checkout.session.expired", session.Data, new JsonObject { ["status"] = "open" }, requestId, idempotencyKey);
    }

    /// <summary>Open -> complete and paid: the payment intent that iDEAL (or a card) settled, then the event.</summary>
    public async Task CompleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, StoredObject session, string method, DateTimeOffset now)
    {
        var paymentIntent = new JsonObject
        {
            ["id"] = StripeIds.PaymentIntent(),
            ["object"] = PaymentIntents.Type,
            ["amount"] = session.Data["amount_total"]!.GetValue<long>(),
            ["amount_received"] = session.Data["amount_total"]!.GetValue<long>(),
            ["created"] = now.ToUnixTimeSeconds(),
            ["currency"] = "eur",
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["payment_method_types"] = new JsonArray(method),
            ["status"] = "succeeded",
        };
        var pi = new StoredObject(paymentIntent["id"]!.GetValue<string>(), paymentIntent, new JsonObject { ["refunded"] = 0L, ["session"] = session.Id });
        await db.InsertAsync(conn, tx, PaymentIntents.Type, pi);
        session.Data["status"] = "complete";
        session.Data["payment_status"] = "paid";
        session.Data["payment_intent"] = pi.Id;
        session.Data["url"] = null;
        await db.SaveAsync(conn, tx, session);
        await events.RaiseAsync(conn, tx, "checkout.session.completed", session.Data);
    }

    public static string Status(StoredObject session) => session.Data["status"]!.GetValue<string>();

    public static bool IsPastExpiry(StoredObject session, DateTimeOffset now) =>
        session.Data["expires_at"]!.GetValue<long>() <= now.ToUnixTimeSeconds();

    /// <summary>What Stripe checks beyond the parameters' shapes.</summary>
    private static ApiAnswer? Refusal(StripeForm form, DateTimeOffset now)
    {
        foreach (var urlKey in new[] { "success_url", "cancel_url" })
            if (form[urlKey] is { } url && !(Uri.TryCreate(url.Replace("{CHECKOUT_SESSION_ID}", "x"), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                return StripeErrors.Invalid("Not a valid URL", "url_invalid", urlKey);
        foreach (var i in form.Indices("line_items"))
        {
            if (long.Parse(form[$"line_items[{i}][quantity]"]!) < 1)
                return StripeErrors.Invalid("This value must be greater than or equal to 1.", null, $"line_items[{i}][quantity]");
            if (long.Parse(form[$"line_items[{i}][price_data][unit_amount]"]!) is < 0 or > 99_999_999)
                return StripeErrors.Invalid("Invalid unit_amount.", null, $"line_items[{i}][price_data][unit_amount]");
        }
        if (form["expires_at"] is { } expires)
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(expires));
            if (at < now + ShortestLife || at > now + LongestLife)
                return StripeErrors.Invalid("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.", null, "expires_at");
        }
        if (form["client_reference_id"] is { Length: > 200 })
            return StripeErrors.Invalid("client_reference_id must be at most 200 characters.", null, "client_reference_id");
        var metadata = form.Hash("metadata").ToList();
        if (metadata.Count > 50 || metadata.Any(kv => kv.Key.Length > 40 || kv.Value.Length > 500))
            return StripeErrors.Invalid("Metadata can have up to 50 keys, each up to 40 characters, values up to 500 characters.", null, "metadata");
        return null;
    }
}
