using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

using Waardecheque.Web.Hosting.OpenApi.Markers;

namespace Waardecheque.Web.Hosting.OpenApi;

/// <summary>
/// Schema transformers: each makes one kind of schema say what goes over the wire (docs/api-decisions.md, "The
/// OpenAPI document").
/// </summary>
internal static class WireSchemas
{
    /// <summary>Request bodies read cents as decimal only so that a fraction is the rule's invalid_amount (P1) and not an
    /// unreadable body; on the wire a cent amount is a whole number (int64), and the document says so.</summary>
    public static Task CentsAreInt64(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var type = context.JsonTypeInfo.Type;
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal))
        {
            schema.Type = JsonSchemaType.Integer | (schema.Type & JsonSchemaType.Null);
            schema.Format = "int64";
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }

    /// <summary>Enums go out as camelCase strings (the JSON options' converter): say <c>type: string</c> with the values.</summary>
    public static Task EnumsAreStrings(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var type = context.JsonTypeInfo.Type;
        if ((Nullable.GetUnderlyingType(type) ?? type).IsEnum && schema.Enum is { Count: > 0 })
            schema.Type = JsonSchemaType.String | (schema.Type & JsonSchemaType.Null);
        return Task.CompletedTask;
    }

    /// <summary>A string property marked <see cref="ApiEnumAttribute"/> is one of its values, as a shared schema of that name.</summary>
    public static Task MarkedStringsAreEnums(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ApiEnumAttribute), false) is [ApiEnumAttribute marked, ..])
        {
            schema.Type = JsonSchemaType.String | (schema.Type & JsonSchemaType.Null);
            schema.Enum = [.. marked.Values.Select(v => (JsonNode)JsonValue.Create(v)!)];
            if ((schema.Type & JsonSchemaType.Null) == 0)
            {
                schema.Metadata ??= new Dictionary<string, object>();
                schema.Metadata["x-schema-id"] = marked.Name;
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>See <see cref="ApiRequestAttribute"/>: required = no default value, and then never null.</summary>
    public static Task RequestsRequireWhatTheServerRequires(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var info = context.JsonTypeInfo;
        if (info.Type.GetCustomAttribute<ApiRequestAttribute>() is null || schema.Properties is null)
            return Task.CompletedTask;
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in info.Properties)
        {
            var optional = property.AssociatedParameter is { HasDefaultValue: true }
                           || (property.AssociatedParameter is null && !property.IsRequired);
            if (optional || !schema.Properties.TryGetValue(property.Name, out var propertySchema)) continue;
            required.Add(property.Name);
        }
        schema.Required = required;
        RequestSchemaIds.TryAdd(info.Type.Name, 0);
        return Task.CompletedTask;
    }

    /// <summary>The schema ids (type names, the generator's default) of <see cref="ApiRequestAttribute"/> types seen.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> RequestSchemaIds = new(StringComparer.Ordinal);

    /// <summary>The second half of <see cref="RequestsRequireWhatTheServerRequires"/>, on the finished document (where
    /// nested types have become references): a required request property is never null.</summary>
    public static Task RequiredRequestPropertiesAreNotNull(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var (schemaId, found) in schemas)
        {
            if (!RequestSchemaIds.ContainsKey(schemaId) || found is not OpenApiSchema { Properties: { } properties } schema) continue;
            foreach (var name in schema.Required ?? new HashSet<string>())
            {
                if (!properties.TryGetValue(name, out var property) || property is not OpenApiSchema concrete) continue;
                if (concrete.Type is { } t && (t & JsonSchemaType.Null) != 0) concrete.Type = t & ~JsonSchemaType.Null;
                // "oneOf: [null, $ref]" becomes the $ref itself.
                if (concrete.OneOf is { Count: 2 } oneOf && oneOf.Count(s => s is OpenApiSchema { Type: JsonSchemaType.Null }) == 1)
                    properties[name] = oneOf.Single(s => s is not OpenApiSchema { Type: JsonSchemaType.Null });
                // An enum that was inline only because it was nullable is the shared one of the same values.
                else if (concrete.Enum is { Count: > 0 } values && SharedEnum(schemas, values) is { } id)
                    properties[name] = new OpenApiSchemaReference(id, document);
            }
        }
        return Task.CompletedTask;
    }

    private static string? SharedEnum(IDictionary<string, IOpenApiSchema> schemas, IList<JsonNode> values) =>
        schemas.FirstOrDefault(s => s.Value is OpenApiSchema { Enum: { } shared } && shared.Count == values.Count
                                    && shared.Select(v => v.ToJsonString()).SequenceEqual(values.Select(v => v.ToJsonString()))).Key;

    /// <summary>An uploaded file is a binary string (multipart part), never an object with a name and headers.</summary>
    public static Task FormFilesAreBinary(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var type = context.JsonTypeInfo.Type;
        if (typeof(IFormFile).IsAssignableFrom(type))
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = "binary";
            schema.Properties = null;
            schema.Required = null;
            schema.OneOf = null;
            schema.Metadata?.Remove("x-schema-id");
        }
        return Task.CompletedTask;
    }

    /// <summary>Any JSON value (an event's body as stored): an empty schema, not a "oneOf" around one.</summary>
    public static Task JsonElementsAreAnyValue(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(JsonElement) || type == typeof(JsonElement?))
        {
            schema.Type = (schema.Type & JsonSchemaType.Null) != 0 ? null : schema.Type;
            schema.OneOf = null;
        }
        return Task.CompletedTask;
    }

}
