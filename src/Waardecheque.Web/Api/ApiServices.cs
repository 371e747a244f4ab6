using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Waardecheque.Messaging;
using Waardecheque.Web.Api.Audit;
using Waardecheque.Web.Api.Cheques;
using Waardecheque.Web.Api.Expenses;
using Waardecheque.Web.Api.Households;
using Waardecheque.Web.Api.Ideas;
using Waardecheque.Web.Api.Pledges;
using Waardecheque.Web.Api.Programs;
using Waardecheque.Web.Api.Resident;
using Waardecheque.Web.Api.Streams;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;
using Waardecheque.Web.Demo;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Printing;

namespace Waardecheque.Web.Api;

/// <summary>The HTTP API of API.md (under /api/v1), one endpoint module per area, and what the modules share.</summary>
public static class ApiServices
{
    public const string Prefix = "/api/v1";

    public static IServiceCollection AddWaardechequeApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            // The web defaults read "150" as 150; a number is a JSON number here, so a client's bug is not guessed at.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // {"amountCents":1,"amountCents":5000}: which one did the client mean? Neither: the body is refused (400).
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.AddStartupTask<ApiSchema>();
        services.AddSingleton<IdempotentRequests>();
        services.AddSingleton<Receipts>();
        services.AddSingleton<ProgramLetters>();
        services.AddSingleton<ActingResolver>();
        services.AddSingleton<Waardecheque.Web.TopUps.TopUpCheckouts>();
        services.AddSingleton<Waardecheque.Web.TopUps.TopUpService>();
        services.AddSingleton<Waardecheque.Web.TopUps.StripeEventInbox>();
        services.AddSingleton<Waardecheque.Web.TopUps.TopUpRefunds>();
        services.TryAddSingleton<Waardecheque.Web.TopUps.IRefundCallHook, Waardecheque.Web.TopUps.NoRefundCallHook>();
        services.AddEndpointModule<ProgramEndpoints>();
        services.AddEndpointModule<HouseholdEndpoints>();
        services.AddEndpointModule<ChequeEndpoints>();
        services.AddEndpointModule<ResidentEndpoints>();
        services.AddEndpointModule<IdeaEndpoints>();
        services.AddEndpointModule<PledgeEndpoints>();
        services.AddEndpointModule<TopUps.TopUpEndpoints>();
        services.AddEndpointModule<TopUps.StripeWebhookEndpoint>();
        services.AddEndpointModule<ExpenseEndpoints>();
        services.AddEndpointModule<AuditEndpoints>();
        services.AddEndpointModule<StreamEndpoints>();
        services.AddDemoSeed();
        return services;
    }

    /// <summary>Who sends a command: the caller's actor, and the request id as correlation id (one id from log line to event).</summary>
    public static MessageContext Context(HttpContext http, IReadOnlyDictionary<string, object>? headers = null) =>
        new(http.User.Actor(), http.TraceIdentifier, headers);

    /// <summary>The problems every authenticated endpoint can answer.</summary>
    public static RouteHandlerBuilder ProducesAuthProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>What a staff or resident command on one thing can answer besides success: the auth problems, 404 when
    /// the thing does not exist, 422 when a rule says no.</summary>
    public static RouteHandlerBuilder ProducesCommandProblems(this RouteHandlerBuilder builder) => builder
        .ProducesAuthProblems()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>The address printed in QR codes; a server without it cannot make cheque links.</summary>
    public static string PublicBaseUrl(IConfiguration config) =>
        config[WebConfig.PublicBaseUrl] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out _)
            ? url
            : throw new ApiProblemException(503, "not_configured",
                $"{WebConfig.PublicBaseUrl} is niet ingesteld: zonder dit adres kunnen geen QR-codes gemaakt worden.");
}
