using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Pledging;

/// <summary>
/// <c>/ideeen/{id}</c>: one idea with its progress; pledge (an amount or everything left), withdraw, and top up with
/// own money ("Zelf geld bijleggen": <see cref="TopUpService.StartAsync"/>, then a 303 to the Stripe Checkout page).
/// Whether a pledge or top-up is allowed is the domain's answer (P1..P8, maxTopUpCents), shown in its own words.
/// </summary>
public sealed class IdeaModel(StoreHolder holder, IMessageBus bus, TopUpService topUps, ActingResolver acting, IConfiguration config)
    : ResidentPage(holder)
{
    /// <summary>The top-up form's amount input (its id; the error summary links to it).</summary>

    public IdeaRow? Idea { get; private set; }
    public long MyPledgeCents { get; private set; }
    public Guid HouseholdId { get; private set; }
    public string? Amount { get; set; }
    public string? TopUpAmount { get; set; }

    /// <summary>
    /// The top-up form's idempotency key: new for every form shown, kept when the same form comes back with an error,
    /// so that pressing the button twice (or again after "try again") starts one top-up, not two.
    /// </summary>
    public string TopUpKey { get; set; } = TopUpFormKey.New();

    public async Task<IActionResult> OnGetAsync(Guid id, long? gegeven, bool ingetrokken = false, bool ingediend = false)
    {
        if (gegeven is > 0) Notice = T.F("pledge.done", T.Euros(gegeven.Value));
        if (ingetrokken) Notice = T["withdraw.done"];
        if (ingediend) Notice = T["propose.done"];
        return await LoadAsync(id) ? Page() : Redirect("/code");
    }

    public async Task<IActionResult> OnPostPledgeAsync(Guid id, [FromForm] string? amount, [FromForm] bool all)
    {
        if (!await LoadAsync(id)) return Redirect("/code");
        if (Idea is null) return Page();
        Amount = amount;
        long? cents = all ? Cheque.AvailableCents : Format.ParseEuros(amount);
        if (cents is null)
        {
            FieldProblems["amount"] = T["pledge.badamount"];
            Problem = T["pledge.badamount"];
            return Page();
        }
        if (!await TryInvokeAsync(bus, new Pledge(id, ChequeId, cents.Value))) return await ReloadAsync(id);
        return Redirect($"/ideeen/{id}?gegeven={cents.Value}");
    }

    /// <summary>
    /// Starts a top-up for the signed-in household and sends the browser to the checkout (303, so the browser GETs it).
    /// Nothing is paid or credited here: the payment counts when Stripe's webhook says it is paid.
    /// </summary>
    public async Task<IActionResult> OnPostTopUpAsync(Guid id, [FromForm] string? topUpAmount, [FromForm] string? topUpKey)
    {
        if (!await LoadAsync(id)) return Redirect("/code");
        if (Idea is null) return Page();
        TopUpAmount = topUpAmount;
        return await TopUpForm.PostAsync(this, topUps, ct => acting.ResolveAsync(User, onBehalf: null, chequeId: null, ct), id,
            topUpAmount, topUpKey, key => TopUpKey = key);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id)
    {
        if (!await LoadAsync(id)) return Redirect("/code");
        if (Idea is null) return Page();
        if (!await TryInvokeAsync(bus, new WithdrawPledges(id, ChequeId))) return await ReloadAsync(id);
        return Redirect($"/ideeen/{id}?ingetrokken=true");
    }

    private async Task<IActionResult> ReloadAsync(Guid id)
    {
        await LoadAsync(id);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (!await LoadChequeAsync()) return false;
        var ct = HttpContext.RequestAborted;
        var idea = await IdeaQueries.GetAsync(Db, id, ct);
        HouseholdId = Cheque.HouseholdId;
        // Residents see public ideas of their own street or buurt, and their own proposals in any state.
        var visible = idea is not null && idea.ProgramId == Cheque.ProgramId
            && idea.Scope.Includes(Cheque.Street, Cheque.BuurtCode)
            && (idea.State is "Open" or "Funded" or "Completed" || idea.InitiatorHouseholdId == HouseholdId);
        Idea = visible ? idea : null;
        // The top-up form is answered with a 303 to the checkout: its origin must be a form target of this page.
        if (Idea is { State: "Open" }) SecurityHeaders.AllowFormTarget(HttpContext, TopUpCheckoutOrigin.Of(config));
        MyPledgeCents = visible ? await IdeaQueries.PledgedByHouseholdOfChequeAsync(Db, id, ChequeId, ct) : 0;
        return true;
    }
}
