using Microsoft.AspNetCore.Authorization;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.Expenses;
using Waardecheque.Web.Features.Ideas;
using Waardecheque.Web.Features.Residents;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.WalkIn;

/// <summary>
/// <c>/beheer/inloop</c>: a connector types a resident's code and acts for them (activate, pledge, propose, start a
/// top-up the resident pays at the desk, submit an expense of the household's funded idea with its receipt). Every
/// command carries the connector as actor, and <c>OnBehalfOfStaffId</c> where it has one (a top-up has none: its actor
/// and the household's cheque say it), so the events say who did it for whom. The cheque id travels in the form, never the code; staff
/// may act for any cheque, the rules still decide what is allowed.
/// </summary>
[Authorize(Policy = PageAuth.ModeratorPolicy)]
// The expense form uploads a receipt; Razor Pages take these limits on the page only, not on one handler.
[RequestSizeLimit(Receipts.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Receipts.MaxRequestBytes)]
public sealed class WalkInModel(StoreHolder holder, IMessageBus bus, ChequeSignIn signIn, Receipts receipts, TopUpService topUps,
    ActingResolver acting, IConfiguration config) : WcPageModel
{
    public ChequeRow? Cheque { get; private set; }

    /// <summary>The program of <see cref="Cheque"/> (set together with it).</summary>
    public ProgramRow? Program { get; private set; }

    public IReadOnlyList<IdeaRow> OpenIdeas { get; private set; } = [];
    public Guid? SelectedIdea { get; private set; }
    [BindProperty] public ProposeForm Form { get; set; } = new();

    /// <summary>Funded ideas this household proposed: the connector may submit their expenses on the household's behalf.</summary>
    public IReadOnlyList<IdeaRow> FundedOwnIdeas { get; private set; } = [];

    [BindProperty(Name = ExpenseInput.Prefix)] public ExpenseInput Expense { get; set; } = new();

    /// <summary>Open ideas the household can see, when its program takes top-ups: the resident may add own money to them.</summary>
    public IReadOnlyList<IdeaRow> TopUpIdeas { get; private set; } = [];
    public Guid? TopUpIdea { get; private set; }
    public string? TopUpAmount { get; private set; }

    /// <summary>The top-up form's idempotency key (<see cref="TopUpFormKey"/>): a double click is one top-up.</summary>
    public string TopUpKey { get; private set; } = TopUpFormKey.New();

    /// <summary>True after the expense form was posted: its field problems belong to it, not to the proposal's fields.</summary>
    public bool ExpensePosted { get; private set; }

    private Guid StaffId => User.SubjectId()!.Value;

    public void OnGet() { }

    public async Task<IActionResult> OnPostFindAsync([FromForm] string? code)
    {
        if (await signIn.FindForPageAsync(this, code) is { } chequeId) await LoadAsync(chequeId);
        return Page();
    }

    public async Task<IActionResult> OnPostActivateAsync([FromForm] Guid chequeId)
    {
        if (await TryInvokeAsync(bus, new ActivateCheque(chequeId, StaffId))) Notice = T["walkin.activated"];
        await LoadAsync(chequeId);
        return Page();
    }

    public async Task<IActionResult> OnPostPledgeAsync([FromForm] Guid chequeId, [FromForm] Guid ideaId, [FromForm] string? amount,
        [FromForm] bool all)
    {
        await LoadAsync(chequeId);
        SelectedIdea = ideaId;
        if (Cheque is null) return Page();
        long? cents = all ? Cheque.AvailableCents : Format.ParseEuros(amount);
        if (cents is null)
        {
            Problem = T["pledge.badamount"];
            return Page();
        }
        if (await TryInvokeAsync(bus, new Pledge(ideaId, chequeId, cents.Value, StaffId)))
        {
            var idea = await IdeaQueries.GetAsync(holder.Store.DataSource, ideaId, HttpContext.RequestAborted);
            Notice = T.F("walkin.pledged", T.Euros(cents.Value), idea?.Title ?? "");
            await LoadAsync(chequeId);
        }
        return Page();
    }

    /// <summary>A resident without a smartphone proposes an idea through the connector; the domain's rules apply as ever.</summary>
    public async Task<IActionResult> OnPostProposeAsync([FromForm] Guid chequeId)
    {
        await LoadAsync(chequeId);
        if (Cheque is null) return Page();
        var command = Form.ToCommand(Guid.CreateVersion7(), Cheque, StaffId, FieldProblems, T);
        if (command is not null && await TryInvokeAsync(bus, command))
        {
            Notice = T.F("walkin.proposed", command.Title.Trim());
            Form = new ProposeForm();
        }
        else Problem ??= T["rule.validation_failed"];
        return Page();
    }

    /// <summary>An expense of the household's funded idea, with its receipt, through the initiator's own form and command.</summary>
    public async Task<IActionResult> OnPostExpenseAsync([FromForm] Guid chequeId, [FromForm] Guid ideaId)
    {
        await LoadAsync(chequeId);
        SelectedIdea = ideaId;
        ExpensePosted = true;
        if (Cheque is null) return Page();
        var submitted = await Expense.SubmitAsync(ideaId, Cheque.HouseholdId, StaffId, receipts, c => TryInvokeAsync(bus, c), FieldProblems, T,
            HttpContext.RequestAborted);
        if (submitted is not null)
        {
            var idea = FundedOwnIdeas.FirstOrDefault(i => i.Id == ideaId);
            Notice = T.F("walkin.expense.submitted", T.Euros(submitted.AmountCents), idea?.Title ?? "");
            Expense = new ExpenseInput();
            return Page();
        }
        // A form problem: every message at the top, linked to the first field; a rule's refusal is already the Problem.
        Problem ??= string.Join(" ", FieldProblems.Values);
        ProblemField = ExpenseInput.FirstProblemInput(FieldProblems);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>
    /// Own money for an open idea, which the resident pays at the desk on Stripe's page (iDEAL or card): the connector
    /// only starts the top-up on the household's behalf, as the API's <c>onBehalf</c> does (actor <c>staff:&lt;id&gt;</c>,
    /// the household's cheque), and the browser goes to the checkout (303). Stripe sends it back to the walk-in point's
    /// own return page, since the resident's <c>/inleg/{id}</c> needs the resident's cookie. Nothing counts until
    /// Stripe's webhook says it is paid.
    /// </summary>
    public async Task<IActionResult> OnPostTopUpAsync([FromForm] Guid chequeId, [FromForm] Guid ideaId, [FromForm] string? topUpAmount,
        [FromForm] string? topUpKey)
    {
        await LoadAsync(chequeId);
        if (Cheque is null) return Page();
        (TopUpIdea, TopUpAmount) = (ideaId, topUpAmount);
        return await TopUpForm.PostAsync(this, topUps, ct => acting.ResolveAsync(User, onBehalf: true, chequeId, ct), ideaId,
            topUpAmount, topUpKey, key => TopUpKey = key, topUpId => TopUpReturnUrls.At(config, WalkInTopUpModel.PagePath, topUpId));
    }

    private async Task LoadAsync(Guid chequeId)
    {
        var db = holder.Store.DataSource;
        var read = await ChequeQueries.WithProgramAsync(db, chequeId, HttpContext.RequestAborted);
        (Cheque, Program) = (read?.Cheque, read?.Program);
        if (Cheque is null) return;
        // The household's own ideas are among those it can see, whatever their state.
        var visible = await IdeaQueries.VisibleToChequeAsync(db, Cheque, HttpContext.RequestAborted);
        OpenIdeas = visible.Where(i => i.State == "Open").ToList();
        FundedOwnIdeas = visible.Where(i => i.State == "Funded" && i.InitiatorHouseholdId == Cheque.HouseholdId).ToList();
        // Whether a top-up is allowed is still the domain's answer; this only decides whether the form is worth showing.
        TopUpIdeas = Cheque.EffectiveState == "Activated" && Program!.Rules.TopUps ? OpenIdeas : [];
        // The top-up form is answered with a 303 to the checkout: browsers check form-action against that redirect too.
        if (TopUpIdeas.Count > 0) SecurityHeaders.AllowFormTarget(HttpContext, TopUpCheckoutOrigin.Of(config));
    }
}
