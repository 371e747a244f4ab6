using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;
using Waardecheque.Messaging;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Api.Cheques;
using Waardecheque.Web.Domain;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.PagesSupport;
using Waardecheque.Web.Printing;

namespace Waardecheque.Web.Pages.Municipality;

/// <summary>
/// <c>/beheer/regelingen/{id}/beheren</c> (admin): open the program, import the address list (CSV upload; every bad
/// row is listed), issue the cheques (one bulk call), download the letters PDF, close the program. Every change goes
/// through the CommandBus (issuing through <see cref="ChequeIssuing"/>, as the API does); the rules stay the domain's.
/// </summary>
[RequestSizeLimit(BodyLimits.CsvImport + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = BodyLimits.CsvImport + 64 * 1024)]
public sealed class ManageModel(PageQueries queries, CommandBus bus, StoreHolder holder, CodeKey key, TimeProvider time,
    IConfiguration config) : WcPageModel
{
    public ProgramView? Program { get; private set; }
    public int Households { get; private set; }
    public int Cheques { get; private set; }
    public IReadOnlyList<RowError> BadRows { get; private set; } = [];

    public async Task OnGetAsync(Guid id, string? ok)
    {
        if (ok == "created") Notice = T["new.created"];
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
            var result = await bus.InvokeAsync(new ImportHouseholds(id, text), new MessageContext(User.Actor()), HttpContext.RequestAborted);
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

    public async Task<IActionResult> OnPostIssueAsync(Guid id)
    {
        try
        {
            var result = await ChequeIssuing.IssueAsync(holder.Store, id, key.Bytes, new MessageContext(User.Actor()), time,
                HttpContext.RequestAborted);
            Notice = T.F("manage.issued", result.Issued, T.Euros(result.TotalCents));
        }
        catch (RuleViolation e)
        {
            Problem = T.Rule(e);
        }
        await LoadAsync(id);
        return Page();
    }

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
    public async Task<IActionResult> OnGetLettersAsync(Guid id)
    {
        var db = holder.Store.DataSource;
        var program = await ProgramQueries.GetAsync(db, id, HttpContext.RequestAborted);
        if (program is null) return NotFound();
        try
        {
            PdfLicensing.EnsureChosen();
        }
        catch (PdfLicenseNotChosenException)
        {
            Problem = T["manage.letters.nolicence"];
            await LoadAsync(id);
            return Page();
        }
        var baseUrl = ApiServices.PublicBaseUrl(config);
        var codeKey = key.Bytes;
        var city = Municipalities.City(program.MunicipalityCode, config);
        var letter = new LetterProgram(Municipalities.SenderName(program.MunicipalityCode, config), program.Name, program.ChequeValueCents,
            program.Rules.MinHouseholdsPerIdea, program.ClosesAt, baseUrl, config[Municipalities.WalkInPointKey]);
        var ct = HttpContext.RequestAborted;

        async IAsyncEnumerable<LetterRecipient> Recipients()
        {
            await foreach (var a in LetterQueries.CurrentChequesAsync(db, id, ct))
                yield return new LetterRecipient(a.Line, a.Postcode, city, ChequeCode.Derive(codeKey, a.ChequeId).ToString());
        }

        Response.ContentType = "application/pdf";
        Response.Headers.ContentDisposition = $"attachment; filename=\"brieven-{id}.pdf\"";
        Response.Headers.CacheControl = "no-store";
        await LetterPrinter.WriteAsync(letter, Recipients(), Response.Body, ct);
        return new EmptyResult();
    }

    private async Task LoadAsync(Guid id)
    {
        Program = await queries.ProgramAsync(id, HttpContext.RequestAborted);
        if (Program is null) return;
        await using var cmd = holder.Store.DataSource.CreateCommand("""
            select (select count(*) from rm_households where program_id = $1)::int,
                   (select count(*) from rm_cheques where program_id = $1 and state <> 'Reissued')::int
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var r = await cmd.ExecuteReaderAsync(HttpContext.RequestAborted);
        if (await r.ReadAsync(HttpContext.RequestAborted)) (Households, Cheques) = (r.GetInt32(0), r.GetInt32(1));
    }
}
