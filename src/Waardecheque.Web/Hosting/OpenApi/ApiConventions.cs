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

/// <summary>
/// A request body (or form) whose C# properties are nullable so that a missing or null field is the API's own 422
/// <c>validation_failed</c> rather than an unreadable body. In the document a property is required when its record
/// parameter has no default value (required ones are then not nullable: null is refused like absence), and optional
/// (and nullable: null means absent) when it has one, e.g. <c>bool? OnBehalf = null</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiRequestAttribute : Attribute;

/// <summary>
/// A string property whose values are a closed set: the camelCase names of an enum (<c>[property: ApiEnum(typeof(IdeaState))]</c>)
/// or the constants of static classes (<c>ApiEnum("ProblemCode", typeof(ErrorCodes), typeof(ProblemCodes))</c>). The document
/// gets one shared enum schema per name, so a generated client gets one enum type.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ApiEnumAttribute : Attribute
{
    public ApiEnumAttribute(Type enumType) : this(enumType.Name, enumType) { }

    public ApiEnumAttribute(string name, params Type[] sources)
    {
        Name = name;
        Values = [.. sources.SelectMany(ValuesOf).Distinct(StringComparer.Ordinal)];
    }

    public ApiEnumAttribute(string name, params string[] values)
    {
        Name = name;
        Values = values;
    }

    public string Name { get; }
    public IReadOnlyList<string> Values { get; }

    private static IEnumerable<string> ValuesOf(Type source) => source.IsEnum
        ? Enum.GetNames(source).Select(n => char.ToLowerInvariant(n[0]) + n[1..])
        : source.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, FieldType.Name: nameof(String) })
            .Select(f => (string)f.GetRawConstantValue()!);
}
