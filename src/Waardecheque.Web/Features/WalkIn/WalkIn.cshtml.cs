using Microsoft.AspNetCore.Authorization;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.Expenses;
using Waardecheque.Web.Features.Ideas;
using Waardecheque.Web.Features.Residents;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.WalkIn;

/// <summary>
/// <c>/beheer/inloop</c>: a connector types a resident's code and acts for them (activate, pledge, propose, submit an
/// expense of the household's funded idea with its receipt). Every command carries <c>OnBehalfOfStaffId</c> and the
/// connector as actor, so the events say who did it for whom. The cheque id travels in the form, never the code; staff
/// may act for any cheque, the rules still decide what is allowed.
/// </summary>
[Authorize(Policy = PageAuth.ModeratorPolicy)]
// The expense form uploads a receipt; Razor Pages take these limits on the page only, not on one handler.
[RequestSizeLimit(Receipts.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Receipts.MaxRequestBytes)]
public sealed class WalkInModel(StoreHolder holder, IMessageBus bus, ChequeSignIn signIn, Receipts receipts) : WcPageModel
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
    }
}
