namespace Waardecheque.Payments.Sandbox;

/// <summary>Payment intents exist once a session is paid; the API only reads them.</summary>
internal sealed class PaymentIntents(SandboxDatabase db)
{
    public const string Type = "payment_intent";

    public async Task<ApiAnswer> GetAsync(ApiCall call) =>
        await db.LoadAsync(call.Connection, call.Transaction, call.Id!, Type, forUpdate: false) is { } pi
            ? ApiAnswer.Ok(pi.Data)
            : StripeErrors.NoSuch("payment_intent", call.Id!);
}
