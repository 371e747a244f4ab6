using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Audit;

/// <summary>Every event of one stream (a cheque, an idea, a program, a household register), as stored (API.md "Audit").</summary>
internal sealed class StreamEndpoints : IEndpointModule
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup(ApiServices.Prefix).WithTags("Streams")
            .MapGet("/streams/{id:guid}/events", EventsAsync)
            .RequireAuthorization(Policies.Auditor)
            .WithName("StreamEvents")
            .WithSummary("Every event of one stream in order (admin or auditor: a connector has no business reading who holds what): type, time, actor, correlation, headers, the body as stored " +
                         "and its SHA-256 chain hash in hex, so an auditor can recompute the chain.")
            .Produces<StreamResponse>()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<StreamResponse>> EventsAsync(Guid id, StoreHolder holder, CancellationToken ct)
    {
        var stream = await StreamQueries.StreamAsync(holder.Store.DataSource, id, ct)
                     ?? throw ApiProblemException.NotFound("Deze stroom van gebeurtenissen bestaat niet.");
        return TypedResults.Ok(new StreamResponse(stream.Id, stream.Type, stream.Version, Convert.ToHexStringLower(stream.HeadHash),
            [.. stream.Events.Select(e => new StreamEventResponse(e.Seq, e.Version, e.Type, e.Timestamp, e.Actor, e.CorrelationId,
                e.CausationId, e.HeadersJson is null ? null : Headers(e.HeadersJson),
                Json(e.DataJson), Convert.ToHexStringLower(e.Hash)))]));
    }

    /// <summary>An event's headers as a map of strings: a string value as is, any other JSON value as its JSON text.</summary>
    private static Dictionary<string, string>? Headers(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

public sealed record StreamEventResponse(long Seq, long Version, string Type, DateTimeOffset Timestamp, string? Actor, string? CorrelationId,
    string? CausationId, IReadOnlyDictionary<string, string>? Headers, JsonElement Data, string Hash);

public sealed record StreamResponse(Guid StreamId, string? Type, long Version, string HeadHash, IReadOnlyList<StreamEventResponse> Events);
