using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// A program's letters PDF, for the API's <c>letters.pdf</c> and the municipality's page alike. Every code printed is
/// first recorded on its cheque as disclosed to the staff member who asked (DOMAIN.md "Who sees a code"): the record
/// commits before the first byte of the PDF leaves, so no code is ever shown that the audit trail does not name.
/// </summary>
public sealed class ProgramLetters(StoreHolder holder, IWolverineRuntime wolverine, CodeKey key, IConfiguration config)
{
    /// <summary>False when the program does not exist (nothing written, nothing recorded).</summary>
    public async Task<bool> WriteAsync(Guid programId, Guid staffId, MessageContext context, HttpResponse response, CancellationToken ct)
    {
        var db = holder.Store.DataSource;
        var program = await ProgramQueries.GetAsync(db, programId, ct, withCounts: false);
        if (program is null) return false;
        response.ContentType = "application/pdf";
        response.Headers.ContentDisposition = $"attachment; filename=\"brieven-{programId}.pdf\"";
        response.Headers.CacheControl = "no-store";
        if (HeadRequests.IsHead(response.HttpContext)) return true;   // no body, so no code is shown: nothing to print or record
        var codeKey = key.Bytes;
        var letter = new LetterProgram(Municipalities.SenderName(program.MunicipalityCode, config), program.Name, program.ChequeValueCents,
            program.Rules.MinHouseholdsPerIdea, program.ClosesAt, WebConfig.PublicBaseUrlOf(config), config[Municipalities.WalkInPointKey]);
        var city = Municipalities.City(program.MunicipalityCode, config);

        // The addresses are read once, so the pages printed are exactly the cheques recorded (100,000 rows: ~20 MB).
        var addresses = new List<LetterAddress>();
        await foreach (var a in LetterQueries.CurrentChequesAsync(db, programId, ct)) addresses.Add(a);
        foreach (var run in addresses.Chunk(DiscloseCodesHandler.MaxChequesPerCommand))
            await new MessageBus(wolverine).InvokeCommandAsync(new DiscloseCodes([.. run.Select(a => a.ChequeId)], CodeDisclosure.Letter, staffId), context, ct);

        await LetterPrinter.WriteAsync(letter,
            addresses.Select(a => new LetterRecipient(a.Line, a.Postcode, city, ChequeCode.Derive(codeKey, a.ChequeId).ToString())),
            response.Body, ct);
        return true;
    }
}
