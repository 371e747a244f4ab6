using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Waardecheque.Domain;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Api;

/// <summary>
/// What every feature's endpoints share: JSON as API.md writes it, idempotent requests, who acts, the problems they can
/// answer. The endpoints themselves are in their feature's folder (Features/*); Composition/FeatureServices adds them.
/// </summary>
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
        services.AddSingleton<ActingResolver>();
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
}
