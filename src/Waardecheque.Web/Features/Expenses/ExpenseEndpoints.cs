using Wolverine;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.Domain;
using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Features.Ideas;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Expenses;

/// <summary>
/// Spending of a funded idea (API.md "Ideas"): the initiator submits expenses with a receipt; a connector or admin who
/// did not submit it approves or rejects it and marks it paid. Expense routes carry no idea id: rm_expenses knows it.
/// </summary>
internal sealed class ExpenseEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiServices.Prefix).WithTags("Expenses");

        api.MapPost("/ideas/{id:guid}/expenses", SubmitAsync)
            .RequireAuthorization()
            .WithBodyLimit(Receipts.MaxRequestBytes)
            .Accepts<ExpenseForm>("multipart/form-data")
            .WithFilePart("receipt", Receipts.MediaTypes)
            .WithName("SubmitExpense")
            .WithLocation()
            .WithSummary("The initiator submits an expense of a funded idea (multipart: amountCents, payee, description, receipt: a PDF, " +
                         "JPEG or PNG of at most 8 MB). A connector adds the form fields onBehalf=true and chequeId.")
            .Produces<CreatedExpense>(StatusCodes.Status201Created)
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/expenses/{id:guid}/receipt", ReceiptAsync)
            .RequireAuthorization()
            .WithName("GetExpenseReceipt")
            .WithSummary("The receipt file of an expense (staff, or the household that submitted it).")
            .Produces(StatusCodes.Status200OK, null, Receipts.MediaTypes[0], Receipts.MediaTypes[1..])
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/expenses/{id:guid}/approve", ApproveAsync)
            .RequireAuthorization(Policies.Moderator)
            .WithName("ApproveExpense")
            .WithSummary("Approves a submitted expense: its money counts as spent (moderator or admin, never whoever submitted it).")
            .Produces<IdeaExpense>()
            .ProducesCommandProblems();

        api.MapPost("/expenses/{id:guid}/reject", RejectAsync)
            .RequireAuthorization(Policies.Moderator)
            .WithName("RejectExpense")
            .WithSummary("Rejects a submitted expense with a reason; its amount is free again (moderator or admin, never the submitter).")
            .Produces<IdeaExpense>()
            .ProducesCommandProblems();

        api.MapPost("/expenses/{id:guid}/paid", PaidAsync)
            .RequireAuthorization(Policies.Moderator)
            .WithName("MarkExpensePaid")
            .WithSummary("Marks an approved expense as paid with the bank's payment reference (moderator or admin, never the submitter).")
            .Produces<IdeaExpense>()
            .ProducesCommandProblems();
    }

    private static async Task<Created<CreatedExpense>> SubmitAsync(Guid id, HttpContext http, ActingResolver acting, IMessageBus bus,
        Receipts receipts)
    {
        var ct = http.RequestAborted;
        if (!http.Request.HasFormContentType || !http.Request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "Stuur een uitgave als multipart/form-data met de velden amountCents, payee, description en receipt (het bestand).");
        var form = await http.Request.ReadFormAsync(ct);
        var onBehalf = bool.TryParse(form["onBehalf"], out var b) ? b : (bool?)null;
        var chequeId = Guid.TryParse(form["chequeId"], out var c) ? c : (Guid?)null;
        var who = await acting.ResolveAsync(http.User, onBehalf, chequeId, ct);

        decimal? amountValue = decimal.TryParse(form["amountCents"], NumberStyles.Integer | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        ApiText.Require(amountValue is not null, "amountCents", "Vul het bedrag in hele centen in, bijvoorbeeld 2450 voor € 24,50.");
        var amount = ApiText.Cents(amountValue, "amountCents", ErrorCodes.InvalidAmount);

        var file = form.Files.GetFile("receipt");
        ApiText.Require(file is { Length: > 0 }, "receipt", "Voeg de bon of factuur toe (PDF, JPEG of PNG).");
        ApiText.Require(file!.Length <= Receipts.MaxBytes, "receipt", $"Een bon is hoogstens {Receipts.MaxBytes / (1024 * 1024)} MB.");
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(bytes, ct);
        var type = Receipts.Sniff(bytes);
        ApiText.Require(type is not null, "receipt", "Een bon is een PDF, JPEG of PNG.");

        var receipt = await receipts.SaveAsync(type!, bytes, Receipts.SafeFileName(file.FileName), ct);
        var expenseId = Guid.CreateVersion7();
        try
        {
            await bus.InvokeCommandAsync(new SubmitExpense(id, expenseId, who.HouseholdId, amount, form["payee"].ToString(),
                form["description"].ToString(), receipt.Reference, who.OnBehalfOfStaffId), ApiServices.Context(http), ct);
        }
        catch
        {
            await receipts.DeleteAsync(receipt.Id, CancellationToken.None);
            throw;
        }
        return TypedResults.Created($"{ApiServices.Prefix}/expenses/{expenseId}", new CreatedExpense(expenseId, receipt.Sha256Hex));
    }

    private static async Task<IResult> ReceiptAsync(Guid id, HttpContext http, StoreHolder holder, Receipts receipts)
    {
        var ct = http.RequestAborted;
        var expense = await ExpenseQueries.GetAsync(holder.Store.DataSource, id, ct) ?? throw ApiProblemException.NotFound("Deze uitgave bestaat niet.");
        if (!http.User.IsStaff())
        {
            var own = http.User.ChequeId() is { } chequeId ? await ChequeQueries.GetAsync(holder.Store.DataSource, chequeId, ct) : null;
            if (own is null || own.HouseholdId != expense.SubmittedByHouseholdId) throw ApiProblemException.Forbidden(ProblemCodes.DetailFor(403));
        }
        var file = (Receipts.IdOf(expense.ReceiptReference) is { } receiptId ? await receipts.GetAsync(receiptId, ct) : null)
                   ?? throw ApiProblemException.NotFound("De bon van deze uitgave is niet gevonden.");
        // Always a download, never rendered in the API's origin; the type is the sniffed one, not what the uploader claimed.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["X-Receipt-Sha256"] = file.Sha256Hex;
        return Results.File(file.Bytes, file.ContentType, file.FileName ?? $"bon-{id}{Extension(file.ContentType)}");
    }

    private static async Task<Ok<IdeaExpense>> ApproveAsync(Guid id, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        var expense = await FindAsync(holder, id, http.RequestAborted);
        await bus.InvokeCommandAsync(new ApproveExpense(expense.IdeaId, id, ApiText.StaffId(http.User)), ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Ok(IdeaExpense.From(await FindAsync(holder, id, http.RequestAborted)));
    }

    private static async Task<Ok<IdeaExpense>> RejectAsync(Guid id, ReasonRequest request, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        var expense = await FindAsync(holder, id, http.RequestAborted);
        await bus.InvokeCommandAsync(new RejectExpense(expense.IdeaId, id, ApiText.StaffId(http.User), request.Reason ?? ""), ApiServices.Context(http),
            http.RequestAborted);
        return TypedResults.Ok(IdeaExpense.From(await FindAsync(holder, id, http.RequestAborted)));
    }

    private static async Task<Ok<IdeaExpense>> PaidAsync(Guid id, PaidRequest request, HttpContext http, IMessageBus bus, StoreHolder holder)
    {
        var expense = await FindAsync(holder, id, http.RequestAborted);
        await bus.InvokeCommandAsync(new MarkExpensePaid(expense.IdeaId, id, ApiText.StaffId(http.User), request.Reference ?? ""),
            ApiServices.Context(http), http.RequestAborted);
        return TypedResults.Ok(IdeaExpense.From(await FindAsync(holder, id, http.RequestAborted)));
    }

    private static async Task<ExpenseRow> FindAsync(StoreHolder holder, Guid id, CancellationToken ct) =>
        await ExpenseQueries.GetAsync(holder.Store.DataSource, id, ct) ?? throw ApiProblemException.NotFound("Deze uitgave bestaat niet.");

    private static string Extension(string contentType) => contentType switch
    {
        "application/pdf" => ".pdf",
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        _ => "",
    };
}

/// <summary>The multipart form of an expense (for the OpenAPI document).</summary>
/// <summary>The multipart form of an expense, as the OpenAPI document describes it (the endpoint reads the form itself).</summary>
[ApiRequest]
public sealed class ExpenseForm
{
    public required long AmountCents { get; init; }
    public required string Payee { get; init; }
    public required string Description { get; init; }
    /// <summary>A PDF, JPEG or PNG (by its first bytes) of at most 8 MB.</summary>
    public required IFormFile Receipt { get; init; }
    public bool? OnBehalf { get; init; }
    public Guid? ChequeId { get; init; }
}

public sealed record CreatedExpense(Guid Id, string ReceiptSha256);

[ApiRequest]
public sealed record PaidRequest(string? Reference);
