using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Hosting.OpenApi;

/// <summary>The document's own parts: info, the server, the bearer scheme, tag descriptions and the problem schema.</summary>
internal static class DocumentDescription
{
    public const string Bearer = "Bearer";
    public const string Problem = nameof(ApiProblem);
    public const string ProblemCode = "ProblemCode";

    /// <summary>One line per tag; a tag an endpoint uses that is not here gets no description (the lint test says so).</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Operations"] = "Liveness and readiness probes for a load balancer.",
        ["Authentication"] = "Staff sign-in, staff accounts and the current session.",
        ["Programs"] = "A program (regeling): its buurten, cheque value, rules and state (admin).",
        ["Households"] = "The household address list, imported as CSV (admin).",
        ["Cheques"] = "Issuing, printing, looking up, blocking and reissuing cheques (admin, staff).",
        ["Resident"] = "A household signs in with its cheque code and sees its own cheque.",
        ["Ideas"] = "Ideas for a street or buurt: the public list, proposing, moderating, withdrawing and completing.",
        ["Pledges"] = "Pledging cheque credit to an open idea, taking it back, and batch collection of paper cheques.",
        ["Top-ups"] = "Own money toward an open idea, paid through Stripe Checkout.",
        ["Payments"] = "Stripe's webhook: payment events, checked against the signature over the raw body.",
        ["Expenses"] = "Spending of a funded idea: expenses with receipts, four-eyes approval, payment.",
        ["Audit"] = "The auditor's view: the books, the double-entry journal and the integrity check.",
        ["Streams"] = "Every event of one stream, with its hash chain.",
    };

    public static async Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Waardecheque API",
            Version = "v1",
            Description = "Waardecheques en buurtsparen voor gemeenten. Bedragen zijn hele centen (int64). " +
                          "Fouten zijn application/problem+json met een vaste 'code' (schema ApiProblem).",
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        document.Servers = [new OpenApiServer { Url = ServerUrl(context.ApplicationServices) }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Token from POST /api/v1/staff/sessions or POST /api/v1/resident/sessions.",
        };

        // The problem shape every 4xx/5xx answer has; ProblemResponses points each of them here.
        var problem = await context.GetOrCreateSchemaAsync(typeof(ApiProblem), cancellationToken: ct);
        if (problem is OpenApiSchema { Properties: { } members })
        {
            // Named, so that a generated client has a ProblemCode enum and a ProblemRow type.
            if (members.TryGetValue("code", out var code)) document.AddComponent(ProblemCode, code);
            members["code"] = new OpenApiSchemaReference(ProblemCode, document);
            if (members.TryGetValue("rows", out var rows) && rows is OpenApiSchema { Items: { } row } list)
            {
                document.AddComponent(nameof(ProblemRow), row);
                list.Items = new OpenApiSchemaReference(nameof(ProblemRow), document);
            }
        }
        document.AddComponent(Problem, problem);
        document.Components.Schemas?.Remove("ProblemDetails");
        document.Components.Schemas?.Remove("HttpValidationProblemDetails");

        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var operation in (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>()).SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        foreach (var tag in operation.Tags ?? new HashSet<OpenApiTagReference>())
            if (tag.Name is { } name) used.Add(name);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
        {
            Name = name,
            Description = Tags.GetValueOrDefault(name),
        }));
    }

    /// <summary>The public address of the API (Waardecheque:PublicBaseUrl, the address on the letters) without a
    /// trailing slash; a server without one says nothing it does not know.</summary>
    private static string ServerUrl(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IConfiguration>()[WebConfig.PublicBaseUrl];
        return configured is { Length: > 0 } && Uri.TryCreate(configured, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : "/";
    }
}
