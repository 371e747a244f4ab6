using Microsoft.AspNetCore.Authorization;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Expenses;

/// <summary>
/// <c>/beheer/uitgaven</c> (connector or admin): expenses waiting for a decision (approve, reject with a reason) and
/// approved ones waiting to be paid (with the bank's reference). Four eyes is the domain's rule (<c>same_person</c>):
/// the page shows its message as it is.
/// </summary>
[Authorize(Policy = PageAuth.ModeratorPolicy)]
public sealed class StaffExpensesModel(StoreHolder holder, IMessageBus bus, Receipts receipts) : WcPageModel
{
    public IReadOnlyList<ExpenseWithIdea> Expenses { get; private set; } = [];

    /// <summary>The expense the last action was about: its field problems are shown next to its inputs.</summary>
    public Guid? ActedOn { get; private set; }

    public string? FieldProblem(Guid expenseId, string field) =>
        ActedOn == expenseId && FieldProblems.TryGetValue(field, out var message) ? message : null;

    private Guid StaffId => User.SubjectId()!.Value;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostApproveAsync([FromForm] Guid expenseId) =>
        await DecideAsync(expenseId, e => new ApproveExpense(e.IdeaId, e.Id, StaffId), "exp.approved");

    public async Task<IActionResult> OnPostRejectAsync([FromForm] Guid expenseId, [FromForm] string? reason) =>
        await DecideAsync(expenseId, e => new RejectExpense(e.IdeaId, e.Id, StaffId, reason ?? ""), "exp.rejected");

    public async Task<IActionResult> OnPostPaidAsync([FromForm] Guid expenseId, [FromForm] string? reference) =>
        await DecideAsync(expenseId, e => new MarkExpensePaid(e.IdeaId, e.Id, StaffId, reference ?? ""), "exp.paid");

    /// <summary>The receipt as a download (never shown inline in the site's origin), as the API serves it.</summary>
    public async Task<IActionResult> OnGetReceiptAsync(Guid expenseId)
    {
        var reference = (await ExpenseQueries.GetAsync(holder.Store.DataSource, expenseId, HttpContext.RequestAborted))?.ReceiptReference;
        var file = reference is not null && Receipts.IdOf(reference) is { } receiptId ? await receipts.GetAsync(receiptId, HttpContext.RequestAborted) : null;
        if (file is null) return NotFound();
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.Headers.CacheControl = "no-store";
        return File(file.Bytes, file.ContentType, file.FileName ?? $"bon-{expenseId}");
    }

    private async Task<IActionResult> DecideAsync(Guid expenseId, Func<ExpenseRow, object> command, string done)
    {
        var expense = await ExpenseQueries.GetAsync(holder.Store.DataSource, expenseId, HttpContext.RequestAborted);
        if (expense is null) return NotFound();
        ActedOn = expenseId;
        if (await TryInvokeAsync(bus, command(expense))) Notice = T.F(done, expense.Payee, T.Euros(expense.AmountCents));
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Expenses = await ExpenseQueries.OpenAsync(holder.Store.DataSource, HttpContext.RequestAborted);
}
