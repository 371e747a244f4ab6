using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Hosting.OpenApi;

/// <summary>
/// Operation transformers: each turns one convention of the endpoints (their metadata) into the document, so a new
/// endpoint is described correctly by declaring the same things (docs/api-decisions.md, "The OpenAPI document").
/// </summary>
internal static class OperationConventions
{
    /// <summary>An endpoint that requires authorization needs a bearer token; any other is public and says so
    /// (<c>security: []</c>), so nothing is left to a document-wide default.</summary>
    public static Task Security(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var needsToken = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Security = needsToken
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentDescription.Bearer, context.Document)] = [] }]
            : [];
        return Task.CompletedTask;
    }

    /// <summary>Every 4xx/5xx answer is application/problem+json in the shape of <c>ApiProblem</c>; a 429 (rate limited)
    /// and a 503 (database away, not ready) may say when to try again.</summary>
    public static Task Problems(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.Length != 3 || status[0] is not ('4' or '5') || response is not OpenApiResponse concrete) continue;
            concrete.Content = ProblemContent(context);
            if (status is "429" or "503") AddRetryAfter(concrete, "Whole seconds to wait before trying again.");
        }
        return Task.CompletedTask;
    }

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiOperationTransformerContext context) => new()
    {
        ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(DocumentDescription.Problem, context.Document) },
    };

    private static void AddRetryAfter(OpenApiResponse response, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers["Retry-After"] = new OpenApiHeader
        {
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        };
    }

    /// <summary>An answer that is a file (a PDF, a picture, CSV) has its media type and a binary body; the framework
    /// leaves such an answer without content when the endpoint declared no CLR type for it.</summary>
    public static Task Files(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        foreach (var declared in context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>())
        {
            if (declared.StatusCode is < 200 or >= 300) continue;
            var files = declared.ContentTypes.Where(IsFile).ToList();
            if (files.Count == 0 || operation.Responses is null
                || !operation.Responses.TryGetValue(declared.StatusCode.ToString(), out var found) || found is not OpenApiResponse response)
                continue;
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var mediaType in files)
                response.Content[mediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        }
        return Task.CompletedTask;
    }

    /// <summary>A body that is not JSON or a form (a CSV file) is sent as it is: a binary string, not a JSON string.</summary>
    public static Task RawTextBodies(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        foreach (var (mediaType, content) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
            if (IsFile(mediaType) && !mediaType.StartsWith("multipart/", StringComparison.Ordinal)
                && mediaType != "application/x-www-form-urlencoded" && content.Schema is OpenApiSchema { Type: JsonSchemaType.String } schema)
                schema.Format = "binary";
        return Task.CompletedTask;
    }

    /// <summary>See <see cref="ApiConventions.WithIdempotencyKey{TBuilder}"/>.</summary>
    public static Task IdempotencyKey(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotencyKeyMetadata>().Any()) return Task.CompletedTask;
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKeyMetadata.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Makes a retry safe: a request with a key this caller used before gets the first request's answer (status " +
                          "and body) instead of being carried out again. The same key with a different request is 409 conflict.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200, Pattern = "^[\\x21-\\x7E]+$" },
        });
        // A retry that arrives while the first request with its key is still running waits, then gets 409 with Retry-After.
        operation.Responses ??= new OpenApiResponses();
        if (!operation.Responses.TryGetValue("409", out var found) || found is not OpenApiResponse conflict)
            operation.Responses["409"] = conflict = new OpenApiResponse { Description = "Conflict", Content = ProblemContent(context) };
        AddRetryAfter(conflict, "Sent when the first request with this Idempotency-Key is still running: retry with the same key.");
        return Task.CompletedTask;
    }

    /// <summary>See <see cref="ApiConventions.WithLocation{TBuilder}"/>.</summary>
    public static Task Location(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<LocationMetadata>().Any()
            || operation.Responses is null || !operation.Responses.TryGetValue("201", out var found) || found is not OpenApiResponse created)
            return Task.CompletedTask;
        created.Headers ??= new Dictionary<string, IOpenApiHeader>();
        created.Headers["Location"] = new OpenApiHeader
        {
            Description = "The address of what was created (a path under /api/v1).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
        };
        return Task.CompletedTask;
    }

    /// <summary>See <see cref="ApiConventions.WithRequestHeader{TBuilder}"/>.</summary>
    public static Task RequestHeaders(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestHeaderMetadata>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = header.Required,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        return Task.CompletedTask;
    }

    /// <summary>See <see cref="ApiConventions.AcceptsRawBody{TBuilder}"/>.</summary>
    public static async Task RawBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RawBodyMetadata>().FirstOrDefault() is not { } raw) return;
        IOpenApiSchema schema = raw.SchemaType is { } type
            ? await context.GetOrCreateSchemaAsync(type, cancellationToken: ct)
            : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Read byte for byte: the signature covers the raw body.",
            Content = new Dictionary<string, OpenApiMediaType> { [raw.MediaType] = new() { Schema = schema } },
        };
    }

    /// <summary>A multipart form: its file parts get the media types the server accepts (<see cref="ApiConventions.WithFilePart{TBuilder}"/>).</summary>
    public static Task FormEncoding(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var parts = context.Description.ActionDescriptor.EndpointMetadata.OfType<FilePartMetadata>().ToList();
        if (parts.Count == 0 || operation.RequestBody?.Content is not { } content || !content.TryGetValue("multipart/form-data", out var form)) return Task.CompletedTask;
        form.Encoding ??= new Dictionary<string, OpenApiEncoding>();
        foreach (var part in parts) form.Encoding[part.Part] = new OpenApiEncoding { ContentType = string.Join(", ", part.MediaTypes) };
        return Task.CompletedTask;
    }

    /// <summary>A query parameter the framework declared as "string or null" is just an optional string.</summary>
    public static Task OptionalQueryParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        foreach (var parameter in operation.Parameters ?? [])
            if (parameter is OpenApiParameter { In: ParameterLocation.Query, Required: false, Schema: OpenApiSchema schema }
                && schema.Type is { } t && (t & JsonSchemaType.Null) != 0)
                schema.Type = t & ~JsonSchemaType.Null;
        return Task.CompletedTask;
    }

    private static bool IsFile(string mediaType) =>
        !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) && mediaType != "*/*";

}
