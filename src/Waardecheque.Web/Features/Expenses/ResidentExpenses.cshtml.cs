using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;

namespace Waardecheque.Web.Features.Expenses;

/// <summary>
/// <c>/ideeen/{id}/uitgaven</c>: the initiator of a funded idea accounts for spending (amount, payee, description,
/// receipt). The receipt is stored by the API's <see cref="Receipts"/> (same table, same type sniffing, same
/// reference in the event); a refused expense removes its file again. Who may submit is the domain's rule.
/// </summary>
[RequestSizeLimit(Receipts.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Receipts.MaxRequestBytes)]
public sealed class ResidentExpensesModel(StoreHolder holder, IMessageBus bus, Receipts receipts) : ResidentPage(holder)
{
    public IdeaRow? Idea { get; private set; }
    public IReadOnlyList<ExpenseRow> Expenses { get; private set; } = [];
    public bool IsInitiator { get; private set; }
    [BindProperty(Name = ExpenseInput.Prefix)] public ExpenseInput Expense { get; set; } = new();

    public long ClaimedCents => Expenses.Where(e => e.State is "Submitted" or "Approved" or "Paid").Sum(e => e.AmountCents);

    public async Task<IActionResult> OnGetAsync(Guid id, bool ingediend = false)
    {
        if (!await LoadAsync(id)) return NotFound();
        if (ingediend) Notice = T["exp.submitted"];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        var household = Cheque.HouseholdId;
        var submitted = await Expense.SubmitAsync(id, household, null, receipts, c => TryInvokeAsync(bus, c), FieldProblems, T,
            HttpContext.RequestAborted);
        if (submitted is not null) return Redirect($"/ideeen/{id}/uitgaven?ingediend=true");
        // A form problem: every message at the top, linked to the first field; a rule's refusal is already the Problem.
        Problem ??= string.Join(" ", FieldProblems.Values);
        ProblemField = ExpenseInput.FirstProblemInput(FieldProblems);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (!await LoadChequeAsync()) return false;
        Idea = await IdeaQueries.GetAsync(Db, id, HttpContext.RequestAborted);
        var household = Cheque.HouseholdId;
        // Only the initiator's household sees an idea's spending here (staff see it on /beheer/uitgaven).
        if (Idea is null || Idea.InitiatorHouseholdId != household) return false;
        IsInitiator = true;
        Expenses = await ExpenseQueries.ForIdeaAsync(Db, id, HttpContext.RequestAborted);
        return true;
    }
}
