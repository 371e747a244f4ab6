using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Wolverine;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Waardecheque.Domain.Households;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Issuing;

/// <summary>The address list import (API.md "Programs": POST /programs/{id}/households, text/csv).</summary>
internal sealed class HouseholdEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup(ApiServices.Prefix).WithTags("Households")
            .MapPost("/programs/{id:guid}/households", ImportAsync)
            .RequireAuthorization(Policies.Admin)
            .WithBodyLimit(BodyLimits.CsvImport)
            .Accepts<string>("text/csv")
            .WithName("ImportHouseholds")
            .WithSummary("Imports the address list (admin): CSV with header postcode,huisnummer,huisletter,toevoeging,straat,buurtcode, " +
                         "UTF-8, ',' or ';'. Any bad row: 422 invalid_rows listing every bad row, and nothing is imported.")
            .Produces<ImportResult>()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<Ok<ImportResult>> ImportAsync(Guid id, HttpContext http, IMessageBus bus)
    {
        RequireCsv(http.Request);
        var text = await ReadUtf8Async(http.Request, BodyLimits.CsvImport, http.RequestAborted);
        var result = await bus.InvokeCommandAsync(new ImportHouseholds(id, text), ApiServices.Context(http), http.RequestAborted);
        var done = result.Appended.Select(e => e.Data).OfType<HouseholdImportCompleted>().Single();
        return TypedResults.Ok(new ImportResult(done.Imported, done.Duplicates));
    }

    private static void RequireCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "Stuur het adressenbestand als CSV, met Content-Type: text/csv.");
        var charset = type.Charset.HasValue ? type.Charset.Value.Trim('"') : null;
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                $"Het adressenbestand moet UTF-8 zijn, niet {charset}. Sla het in uw spreadsheet op als 'CSV UTF-8'.");
    }

    /// <summary>
    /// The body as text. Bytes that are not UTF-8 become U+FFFD, which the CSV reader reports per line as "not UTF-8",
    /// so a Latin-1 file is answered with the lines to fix instead of one unhelpful error. The limit is checked here
    /// too, because an in-memory host does not enforce Kestrel's.
    /// </summary>
    internal static async Task<string> ReadUtf8Async(HttpRequest request, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge,
                    $"Het bestand is groter dan {limit / (1024 * 1024)} MB.");
            buffer.Write(chunk, 0, read);
        }
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false)
            .GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

public sealed record ImportResult(int Imported, int Duplicates);
