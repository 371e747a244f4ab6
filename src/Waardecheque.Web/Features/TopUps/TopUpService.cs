using Npgsql;
using Stripe;
using Waardecheque.Domain;
using Waardecheque.Domain.Ideas;
using Waardecheque.Payments.Gateway;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>Where Stripe Checkout sends the resident back: after paying, and after cancelling (Stripe replaces
/// <c>{CHECKOUT_SESSION_ID}</c> in <see cref="SuccessUrl"/>).</summary>
public sealed record TopUpReturnUrls(string SuccessUrl, string CancelUrl)
{
    /// <summary>
    /// A return page of this app, <c>{pagePath}/{topUpId}</c> on its public address, with the outcome the page shows
    /// (<c>?uitkomst=betaald</c> or <c>geannuleerd</c>): the resident's <c>/inleg</c>, or the walk-in point's own.
    /// </summary>
    public static TopUpReturnUrls At(IConfiguration config, string pagePath, Guid topUpId)
    {
        var baseUrl = (config[WebConfig.PublicBaseUrl] is { Length: > 0 } url ? url : "http://localhost:5080").TrimEnd('/');
        return new TopUpReturnUrls($"{baseUrl}{pagePath}/{topUpId}?uitkomst=betaald&session_id={{CHECKOUT_SESSION_ID}}",
            $"{baseUrl}{pagePath}/{topUpId}?uitkomst=geannuleerd");
    }
}

/// <summary>A started top-up: its id and the Stripe Checkout page to send the resident to.</summary>
public sealed record StartedTopUp(Guid TopUpId, string CheckoutUrl);

/// <summary>
/// One top-up as a resident or staff member sees it. <see cref="State"/> is the API's word
/// (<see cref="TopUpStates"/>); <see cref="CheckoutUrl"/> is null until the checkout exists (or when it could not be
/// made yet: starting again with the same idempotency key makes it).
/// </summary>
public sealed record TopUpView(Guid Id, Guid IdeaId, string IdeaTitle, Guid? ChequeId, Guid? HouseholdId, long AmountCents,
    string State, long RefundedCents, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, string? CheckoutUrl);

/// <summary>The top-up states of API.md, plus <c>refunding</c> (paid money on its way back).</summary>
public static class TopUpStates
{
    public const string Pending = "pending";
    public const string Paid = "paid";
    public const string Failed = "failed";
    public const string Expired = "expired";
    public const string Refunding = "refunding";
    public const string Refunded = "refunded";

    public static string Of(string domainState) => domainState switch
    {
        nameof(TopUpState.Started) => Pending,
        nameof(TopUpState.Received) => Paid,
        nameof(TopUpState.TurnedAway) or nameof(TopUpState.RefundDue) => Refunding,
        nameof(TopUpState.Refunded) => Refunded,
        nameof(TopUpState.Expired) => Expired,
        nameof(TopUpState.Failed) => Failed,
        _ => domainState.ToLowerInvariant(),
    };
}

/// <summary>
/// Top-ups ("eigen inleg") for the API and the pages: start one (the rules first, in the domain; then the record with
/// its idempotency key; then Stripe Checkout, outside any database transaction), look one up, list a household's or an
/// idea's. A start that dies half-way is finished by starting again with the same idempotency key: the same top-up,
/// the same Stripe idempotency key and parameters, so the same checkout.
/// </summary>
public sealed class TopUpService(StoreHolder holder, IWolverineRuntime wolverine, StripePayments stripe, TopUpCheckouts checkouts,
    IConfiguration config, ILogger<TopUpService> log)
{
    /// <summary>Top-up ids from (actor, household's cheque, idempotency key): the same key from the same caller is the same top-up.</summary>
    private static readonly Guid KeyNamespace = new("6f1d8f0e-3b7a-4f43-9a51-2c7e4b0d9a11");

    private NpgsqlDataSource Db => holder.Store.DataSource;

    /// <summary>
    /// Starts a top-up of <paramref name="amountCents"/> to <paramref name="ideaId"/> for <paramref name="who"/>. Throws the
    /// domain's <see cref="RuleViolation"/> (P4, P6, P7, <c>maxTopUpCents</c>, <c>top_ups_disabled</c>), a 409 when the key
    /// was used for another top-up, and a 503 when Stripe cannot be reached (the top-up stays recorded; retry with the key).
    /// </summary>
    /// <param name="idempotencyKey">The client's <c>Idempotency-Key</c>; null: a new top-up every call.</param>
    /// <param name="returnUrls">The return addresses for this top-up id; null: the app's defaults.</param>
    public async Task<StartedTopUp> StartAsync(Guid ideaId, long amountCents, Acting who, string? idempotencyKey,
        Func<Guid, TopUpReturnUrls>? returnUrls = null, string? email = null, string? correlationId = null, CancellationToken ct = default)
    {
        // A connector's key is scoped to the household too: the same key at the walk-in point for two households is two top-ups.
        var topUpId = idempotencyKey is null ? Guid.CreateVersion7()
            : DeterministicGuid.Create(KeyNamespace, $"{who.Actor}\u001f{who.ChequeId}\u001f{idempotencyKey}");
        var topUp = await TopUpQueries.GetAsync(Db, topUpId, ct);
        if (topUp is not null && (topUp.IdeaId != ideaId || topUp.AmountCents != amountCents))
            throw ApiProblemException.Conflict(
                "Deze Idempotency-Key is al gebruikt voor een andere inleg. Gebruik voor elke nieuwe inleg een nieuwe sleutel.");
        if (topUp is null)
        {
            var headers = idempotencyKey is null ? null : new Dictionary<string, object> { [IdempotentRequests.EventHeader] = idempotencyKey };
            await new MessageBus(wolverine).InvokeCommandAsync(new StartTopUp(ideaId, topUpId, amountCents, who.ChequeId, who.HouseholdId,
                    config.GetValue<int?>(TopUpRefunds.CheckoutCheckAfterSetting) is { } s ? TimeSpan.FromSeconds(s) : null),
                new MessageContext(who.Actor, correlationId, headers), ct);
            topUp = await TopUpQueries.GetAsync(Db, topUpId, ct) ?? throw new InvalidOperationException($"Top-up {topUpId} was not recorded.");
        }
        var idea = await IdeaQueries.GetAsync(Db, ideaId, ct) ?? throw ApiProblemException.NotFound("Dit idee bestaat niet.");
        var urls = (returnUrls ?? DefaultReturnUrls)(topUpId);
        // Recorded before Stripe is called: a retry sends exactly these parameters under exactly this key.
        var checkout = await checkouts.RecordAsync(topUpId, urls, email, ct);
        if (checkout.Url is { } existing) return new StartedTopUp(topUpId, existing);

        Stripe.Checkout.Session session;
        try
        {
            session = await stripe.CreateTopUpCheckoutAsync(new TopUpCheckout(topUpId, ideaId, idea.Title, amountCents,
                checkout.SuccessUrl, checkout.CancelUrl, topUp.StartedAt, checkout.Email), checkout.IdempotencyKey, ct);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException)
        {
            if (e is StripeException stripeError)
                log.LogWarning("Stripe did not open a checkout for top-up {TopUpId}: {Status} {Code}", topUpId, (int)stripeError.HttpStatusCode,
                    stripeError.StripeError?.Code);
            throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable,
                "De betaaldienst is even niet bereikbaar. Probeer het zo opnieuw met dezelfde Idempotency-Key.") { RetryAfter = TimeSpan.FromSeconds(5) };
        }
        await checkouts.SetSessionAsync(topUpId, session.Id, session.Url, ct);
        return new StartedTopUp(topUpId, session.Url);
    }

    /// <summary>One top-up, or null when there is none with that id.</summary>
    public async Task<TopUpView?> GetAsync(Guid topUpId, CancellationToken ct = default)
    {
        var row = await TopUpQueries.GetAsync(Db, topUpId, ct);
        return row is null ? null : (await ViewsAsync([row], ct))[0];
    }

    /// <summary>A household's top-ups and refunds, newest first ("Mijn cheque").</summary>
    public async Task<IReadOnlyList<TopUpView>> OfHouseholdAsync(Guid householdId, CancellationToken ct = default) =>
        await ViewsAsync(await TopUpQueries.OfHouseholdAsync(Db, householdId, ct), ct);

    /// <summary>An idea's top-ups and refunds, newest first (staff, the municipality's dashboard).</summary>
    public async Task<IReadOnlyList<TopUpView>> OfIdeaAsync(Guid ideaId, CancellationToken ct = default) =>
        await ViewsAsync(await TopUpQueries.OfIdeaAsync(Db, ideaId, ct), ct);

    private async Task<IReadOnlyList<TopUpView>> ViewsAsync(IReadOnlyList<TopUpRow> rows, CancellationToken ct)
    {
        var views = new List<TopUpView>(rows.Count);
        var titles = new Dictionary<Guid, string>();
        foreach (var row in rows)
        {
            if (!titles.TryGetValue(row.IdeaId, out var title))
                titles[row.IdeaId] = title = (await IdeaQueries.GetAsync(Db, row.IdeaId, ct))?.Title ?? "";
            // Only a top-up still waiting for payment shows its checkout: read it for those alone.
            var checkoutUrl = row.State == nameof(TopUpState.Started) ? (await checkouts.GetAsync(row.Id, ct))?.Url : null;
            views.Add(new TopUpView(row.Id, row.IdeaId, title, row.ChequeId, row.HouseholdId, row.AmountCents, TopUpStates.Of(row.State),
                row.RefundedCents, row.StartedAt, row.UpdatedAt, checkoutUrl));
        }
        return views;
    }

    /// <summary>The app's own return pages when the caller names none.</summary>
    private TopUpReturnUrls DefaultReturnUrls(Guid topUpId) => TopUpReturnUrls.At(config, "/inleg", topUpId);
}
