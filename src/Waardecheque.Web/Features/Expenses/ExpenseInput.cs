using Waardecheque.Domain.Ideas;
using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Expenses;

/// <summary>
/// What an expense form posts: the initiator's own (<c>/ideeen/{id}/uitgaven</c>) or a connector's on their behalf
/// (walk-in). Bound under the prefix <see cref="Prefix"/>, so on a page with other forms (the walk-in page's proposal
/// also has a <c>description</c>) neither form picks up the other's values.
/// </summary>
public sealed class ExpenseInput
{
    public const string Prefix = "expense";

    public string? Amount { get; set; }
    public string? Payee { get; set; }
    public string? Description { get; set; }
    public IFormFile? Receipt { get; set; }

    /// <summary>The id of each field's input, by the key its problem has in a page's <c>FieldProblems</c>.</summary>
    public static readonly IReadOnlyList<(string Key, string InputId)> Fields =
    [
        ("amountCents", "expense-amount"), ("payee", "expense-payee"), ("description", "expense-description"), ("receipt", "expense-receipt"),
    ];

    /// <summary>The input the error summary links to: the first field with a problem.</summary>
    public static string? FirstProblemInput(IReadOnlyDictionary<string, string> problems) =>
        Fields.FirstOrDefault(f => problems.ContainsKey(f.Key)).InputId;

    /// <summary>
    /// Reads the amount and the receipt, stores the receipt and sends <see cref="SubmitExpense"/> through
    /// <paramref name="invoke"/> (the page's <c>TryInvokeAsync</c>, so a refusal becomes the page's message). Returns the
    /// command that was accepted, or null: either something could not be read (<paramref name="problems"/> says what,
    /// nothing is stored) or a rule refused it (the receipt is removed again, so no orphan file stays behind). Whether
    /// this household may submit, and how much, is the domain's to say.
    /// </summary>
    public async Task<SubmitExpense?> SubmitAsync(Guid ideaId, Guid householdId, Guid? onBehalfOfStaffId, Receipts receipts,
        Func<SubmitExpense, Task<bool>> invoke, Dictionary<string, string> problems, PageTexts t, CancellationToken ct)
    {
        var cents = Format.ParseEuros(Amount);
        if (cents is null) problems["amountCents"] = t["pledge.badamount"];
        var (bytes, type) = await ReadReceiptAsync(problems, t, ct);
        if (cents is null || bytes is null || type is null) return null;

        var stored = await receipts.SaveAsync(type, bytes, Receipts.SafeFileName(Receipt!.FileName), ct);
        var command = new SubmitExpense(ideaId, Guid.CreateVersion7(), householdId, cents.Value, Payee ?? "", Description ?? "",
            stored.Reference, onBehalfOfStaffId);
        if (await invoke(command)) return command;
        await receipts.DeleteAsync(stored.Id, CancellationToken.None);
        return null;
    }

    /// <summary>The receipt's bytes and the type they really are (by their first bytes, as the API takes them).</summary>
    private async Task<(byte[]? Bytes, string? Type)> ReadReceiptAsync(Dictionary<string, string> problems, PageTexts t, CancellationToken ct)
    {
        if (Receipt is not { Length: > 0 }) problems["receipt"] = t["exp.receipt.missing"];
        else if (Receipt.Length > Receipts.MaxBytes) problems["receipt"] = t["exp.receipt.toobig"];
        else
        {
            var bytes = new byte[Receipt.Length];
            await using (var stream = Receipt.OpenReadStream()) await stream.ReadExactlyAsync(bytes, ct);
            if (Receipts.Sniff(bytes) is { } type) return (bytes, type);
            problems["receipt"] = t["exp.receipt.type"];
        }
        return (null, null);
    }
}

/// <summary>The model of the shared expense fields partial.</summary>
public sealed record ExpenseFields(ExpenseInput Form, IReadOnlyDictionary<string, string> Problems);
