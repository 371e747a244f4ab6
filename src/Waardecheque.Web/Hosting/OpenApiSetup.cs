using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace Waardecheque.Web.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, with the bearer scheme on every endpoint that needs it.</summary>
internal static class OpenApiSetup
{
    private const string Bearer = "Bearer";

    public static IServiceCollection AddWaardechequeOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Waardecheque API",
                Version = "v1",
                Description = "Waardecheques en buurtsparen voor gemeenten. Fouten zijn application/problem+json met een vaste 'code'.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Token from POST /api/v1/staff/sessions or POST /api/v1/resident/sessions.",
            };
            return Task.CompletedTask;
        });
        // Request bodies read cents as decimal only so that a fraction is the rule's invalid_amount (P1) and not an
        // unreadable body; on the wire a cent amount is a whole number, and the document says so.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal))
            {
                schema.Type = JsonSchemaType.Integer | (schema.Type & JsonSchemaType.Null);
                schema.Format = "int64";
                schema.Pattern = null;
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [],
                });
            }
            return Task.CompletedTask;
        });
    });
}
