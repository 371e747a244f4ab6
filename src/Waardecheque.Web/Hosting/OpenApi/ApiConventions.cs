
namespace Waardecheque.Web.Hosting.OpenApi;

/// <summary>
/// What an endpoint declares so that the OpenAPI document describes it correctly (docs/api-decisions.md, "The OpenAPI
/// document"). The transformers in this folder read these markers; an endpoint never writes OpenAPI by hand.
/// </summary>
public static class ApiConventions
{
    /// <summary>The endpoint honours an <c>Idempotency-Key</c> request header: a retry with the same key gets the first
    /// answer (pledges, collection, top-ups). Documented as an optional header parameter and a 409 answer.</summary>
    public static TBuilder WithIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(IdempotencyKeyMetadata.Instance);

    /// <summary>The endpoint reads its body itself, byte for byte (a webhook whose signature covers the raw body), with
    /// this media type; <paramref name="schemaType"/> (optional) is what the body holds once parsed.</summary>
    public static TBuilder AcceptsRawBody<TBuilder>(this TBuilder builder, string mediaType, Type? schemaType = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RawBodyMetadata(mediaType, schemaType));

    /// <summary>A request header the endpoint needs besides the usual ones (e.g. a webhook's signature header).</summary>
    public static TBuilder WithRequestHeader<TBuilder>(this TBuilder builder, string name, string description, bool required = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestHeaderMetadata(name, description, required));

    /// <summary>The 201 answer carries a <c>Location</c> header with the address of what was created.</summary>
    public static TBuilder WithLocation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(LocationMetadata.Instance);

    /// <summary>A file part of a multipart form and the media types the server accepts in it (documented as the part's encoding).</summary>
    public static TBuilder WithFilePart<TBuilder>(this TBuilder builder, string part, params string[] mediaTypes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new FilePartMetadata(part, mediaTypes));
}

public sealed class IdempotencyKeyMetadata
{
    public const string Header = "Idempotency-Key";
    public static readonly IdempotencyKeyMetadata Instance = new();
    private IdempotencyKeyMetadata() { }
}

public sealed class LocationMetadata
{
    public static readonly LocationMetadata Instance = new();
    private LocationMetadata() { }
}

public sealed record RawBodyMetadata(string MediaType, Type? SchemaType);

public sealed record RequestHeaderMetadata(string Name, string Description, bool Required);

public sealed record FilePartMetadata(string Part, IReadOnlyList<string> MediaTypes);
