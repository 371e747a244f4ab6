using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

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
    [BindProperty] public string Amount { get; set; } = "";
    [BindProperty] public string Payee { get; set; } = "";
    [BindProperty] public string Description { get; set; } = "";

    public long ClaimedCents => Expenses.Where(e => e.State is "Submitted" or "Approved" or "Paid").Sum(e => e.AmountCents);

    public async Task<IActionResult> OnGetAsync(Guid id, bool ingediend = false)
    {
        if (!await LoadAsync(id)) return NotFound();
        if (ingediend) Notice = T["exp.submitted"];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, IFormFile? receipt)
    {
        if (!await LoadAsync(id)) return NotFound();
        var cents = Format.ParseEuros(Amount);
        if (cents is null) FieldProblems["amountCents"] = T["pledge.badamount"];
        byte[]? bytes = null;
        string? type = null;
        if (receipt is not { Length: > 0 }) FieldProblems["receipt"] = T["exp.receipt.missing"];
        else if (receipt.Length > Receipts.MaxBytes) FieldProblems["receipt"] = T["exp.receipt.toobig"];
        else
        {
            bytes = new byte[receipt.Length];
            await using (var stream = receipt.OpenReadStream()) await stream.ReadExactlyAsync(bytes, HttpContext.RequestAborted);
            type = Receipts.Sniff(bytes);
            if (type is null) FieldProblems["receipt"] = T["exp.receipt.type"];
        }
        if (FieldProblems.Count > 0)
        {
            Problem = string.Join(" ", FieldProblems.Values);
            return Page();
        }
        var stored = await receipts.SaveAsync(type!, bytes!, SafeFileName(receipt!.FileName), HttpContext.RequestAborted);
        var household = await ChequeQueries.HouseholdOfAsync(Db, ChequeId, HttpContext.RequestAborted);
        if (!await TryInvokeAsync(bus, new SubmitExpense(id, Guid.CreateVersion7(), household, cents!.Value, Payee, Description, stored.Reference)))
        {
            await receipts.DeleteAsync(stored.Id, CancellationToken.None);
            return Page();
        }
        return Redirect($"/ideeen/{id}/uitgaven?ingediend=true");
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (!await LoadChequeAsync()) return false;
        Idea = await IdeaQueries.GetAsync(Db, id, HttpContext.RequestAborted);
        var household = await ChequeQueries.HouseholdOfAsync(Db, ChequeId, HttpContext.RequestAborted);
        // Only the initiator's household sees an idea's spending here (staff see it on /beheer/uitgaven).
        if (Idea is null || Idea.InitiatorHouseholdId != household) return false;
        IsInitiator = true;
        Expenses = await ExpenseQueries.ForIdeaAsync(Db, id, HttpContext.RequestAborted);
        return true;
    }

    private static string? SafeFileName(string? name)
    {
        var plain = Path.GetFileName(name ?? "");
        plain = new string(plain.Where(ch => char.IsLetterOrDigit(ch) || ch is '.' or '-' or '_' or ' ').ToArray()).Trim();
        return plain.Length is > 0 and <= 120 ? plain : null;
    }
}
