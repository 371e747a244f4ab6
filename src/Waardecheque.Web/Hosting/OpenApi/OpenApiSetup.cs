using Microsoft.OpenApi;

namespace Waardecheque.Web.Hosting.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: ASP.NET Core's generator plus one small transformer per
/// convention (this folder). docs/openapi-v1.json is a copy that a test keeps identical (docs/api-decisions.md).
/// </summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddWaardechequeOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
        options.AddSchemaTransformer(WireSchemas.CentsAreInt64);
        options.AddSchemaTransformer(WireSchemas.EnumsAreStrings);
        options.AddSchemaTransformer(WireSchemas.MarkedStringsAreEnums);
        options.AddSchemaTransformer(WireSchemas.RequestsRequireWhatTheServerRequires);
        options.AddSchemaTransformer(WireSchemas.FormFilesAreBinary);
        options.AddSchemaTransformer(WireSchemas.JsonElementsAreAnyValue);
        options.AddOperationTransformer(OperationConventions.Security);
        options.AddOperationTransformer(OperationConventions.Problems);
        options.AddOperationTransformer(OperationConventions.Files);
        options.AddOperationTransformer(OperationConventions.RawTextBodies);
        options.AddOperationTransformer(OperationConventions.IdempotencyKey);
        options.AddOperationTransformer(OperationConventions.RequestHeaders);
        options.AddOperationTransformer(OperationConventions.Location);
        options.AddOperationTransformer(OperationConventions.RawBody);
        options.AddOperationTransformer(OperationConventions.FormEncoding);
        options.AddOperationTransformer(OperationConventions.OptionalQueryParameters);
        options.AddDocumentTransformer(DocumentDescription.DescribeAsync);
        options.AddDocumentTransformer(WireSchemas.RequiredRequestPropertiesAreNotNull);
    });
}
