using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Issuing;

/// <summary>
/// <c>/beheer/regelingen/{id}/beheren</c> (admin): open the program, import the address list (CSV upload; every bad
/// row is listed), issue the cheques (in the background, with progress), download the letters PDF, close the program.
/// Every change goes through Wolverine (IMessageBus) (issuing through <see cref="IssuingRuns"/>, as the API does); the rules
/// stay the domain's.
/// </summary>
[RequestSizeLimit(BodyLimits.CsvImport + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = BodyLimits.CsvImport + 64 * 1024)]
[Authorize(Policy = PageAuth.AuditPolicy)]
[Authorize(Policy = PageAuth.AdminPolicy)]
public sealed class ManageModel(IMessageBus bus, StoreHolder holder, IssuingRuns issuing,
    ProgramLetters letters) : WcPageModel
{
    public ProgramRow? Program { get; private set; }
    public IssuingProgress Issuing { get; private set; } = new(0, 0, 0, 0, false);
    public IReadOnlyList<RowError> BadRows { get; private set; } = [];

    public async Task OnGetAsync(Guid id, string? ok)
    {
        Notice = ok switch
        {
            "created" => T["new.created"],
            "issuing" => T["manage.issue.started"],
            "busy" => T["manage.issue.busy"],
            _ => null,
        };
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostOpenAsync(Guid id)
    {
        if (await TryInvokeAsync(bus, new OpenProgram(id))) Notice = T["manage.opened"];
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(Guid id, IFormFile? file)
    {
        await LoadAsync(id);
        if (file is not { Length: > 0 })
        {
            FieldProblems["file"] = Problem = T["manage.import.nofile"];
            return Page();
        }
        if (file.Length > BodyLimits.CsvImport)
        {
            FieldProblems["file"] = Problem = T["manage.import.toobig"];
            return Page();
        }
        string text;
        using (var reader = new StreamReader(file.OpenReadStream(), new System.Text.UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true))
            text = await reader.ReadToEndAsync(HttpContext.RequestAborted);
        try
        {
            var result = await bus.InvokeCommandAsync(new ImportHouseholds(id, text), new MessageContext(User.Actor()), HttpContext.RequestAborted);
            var done = result.Appended.Select(e => e.Data).OfType<HouseholdImportCompleted>().Single();
            Notice = T.F("manage.imported", done.Imported, done.Duplicates);
        }
        catch (RuleViolation e)
        {
            Problem = e.Code == ErrorCodes.InvalidRows && T.IsEnglish ? T["rule.invalid_rows"] : T.Rule(e);
            if (e.Details.TryGetValue("rows", out var rows) && rows is IReadOnlyList<RowError> list) BadRows = list;
        }
        await LoadAsync(id);
        return Page();
    }

    /// <summary>
    /// Starts issuing in the background and sends the browser to the page (POST-redirect-GET), which shows the
    /// progress until the run is done; a second press while it is busy starts nothing.
    /// </summary>
    public async Task<IActionResult> OnPostIssueAsync(Guid id)
    {
        try
        {
            var started = await issuing.TryStartAsync(id, new MessageContext(User.Actor()), HttpContext.RequestAborted);
            return Redirect($"/beheer/regelingen/{id}/beheren?ok={(started ? "issuing" : "busy")}");
        }
        catch (RuleViolation e)
        {
            Problem = T.Rule(e);
        }
        await LoadAsync(id);
        return Page();
    }

    /// <summary>How far issuing is, for wwwroot/js/issuing.js, which keeps the progress bar up to date without a reload.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id)
    {
        var progress = await IssuingQueries.ProgressAsync(holder.Store.DataSource, id, HttpContext.RequestAborted);
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new { progress.Running, progress.Issued, progress.Households, Text = ProgressText(progress) });
    }

    public string ProgressText(IssuingProgress progress) =>
        T.F("manage.issue.progress", T.Count(progress.Issued), T.Count(progress.Households));

    public async Task<IActionResult> OnPostCloseAsync(Guid id, bool confirm)
    {
        if (!confirm) FieldProblems["confirm"] = Problem = T["manage.close.unconfirmed"];
        else if (await TryInvokeAsync(bus, new CloseProgram(id))) Notice = T["manage.closed"];
        await LoadAsync(id);
        return Page();
    }

    /// <summary>
    /// The letters PDF for the staff cookie. The API's <c>letters.pdf</c> takes bearer tokens only (a cookie never
    /// authenticates an API call), so the page streams the same <see cref="LetterPrinter"/> output itself.
    /// </summary>
    public async Task<IActionResult> OnGetLettersAsync(Guid id) =>
        await letters.WriteAsync(id, User.SubjectId()!.Value, new MessageContext(User.Actor()), Response, HttpContext.RequestAborted)
            ? new EmptyResult()
            : NotFound();

    private async Task LoadAsync(Guid id)
    {
        Program = await ProgramQueries.GetAsync(holder.Store.DataSource, id, HttpContext.RequestAborted, withCounts: false);
        if (Program is null) return;
        Issuing = await IssuingQueries.ProgressAsync(holder.Store.DataSource, id, HttpContext.RequestAborted);
        // A run of this process that stopped on an error says so until the next run starts.
        if (Problem is null && !Issuing.Running && issuing.FailureOf(id) is { } failure)
            Problem = failure is RuleViolation rule ? T.Rule(rule) : T["manage.issue.failed"];
    }
}
