using Microsoft.Extensions.Diagnostics.HealthChecks;
using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Health;

/// <summary>ASP.NET Core's health checks; a check that decides readiness carries the <see cref="Ready"/> tag.</summary>
public static class HealthServices
{
    public const string Ready = "ready";

    /// <summary>Each check gets at most this long: a probe that hangs is a probe that says "not ready".</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Adds a readiness check; <typeparamref name="T"/> is resolved from the services when it is registered there.</summary>
    public static IServiceCollection AddReadinessCheck<T>(this IServiceCollection services, string name) where T : class, IHealthCheck
    {
        services.AddHealthChecks().AddCheck<T>(name, HealthStatus.Unhealthy, [Ready], CheckTimeout);
        return services;
    }

    // The startup tasks' check is added here, not by Database: health knows the database, not the other way round.
    internal static IServiceCollection AddWaardechequeHealth(this IServiceCollection services) => services
        .AddReadinessCheck<StartupTaskRunner>("startup")
        .AddReadinessCheck<PostgresReadiness>("postgres");

    /// <summary>Runs every readiness check once (the demo seed waits on this too).</summary>
    public static Task<HealthReport> CheckReadinessAsync(this HealthCheckService health, CancellationToken ct) =>
        health.CheckHealthAsync(r => r.Tags.Contains(Ready), ct);
}

/// <summary>
/// <c>/health/live</c> says the process runs (a load balancer restarts it otherwise); <c>/health/ready</c> says it
/// can serve (a load balancer sends traffic only then). Liveness must never depend on the database: a database
/// outage should take the app out of rotation, not get every app process killed. The checks are ASP.NET Core's; the
/// endpoints are ordinary routes so that the OpenAPI document describes them and a refusal is problem+json.
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatusResponse("live", null)))
            .WithName("Live")
            .WithSummary("The process is running.");
        health.MapGet("/ready", ReadyAsync)
            .WithName("Ready")
            .Produces<HealthStatusResponse>()
            .WithSummary("The app can serve requests: PostgreSQL answers and the schema is in place.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ReadyAsync(HealthCheckService health, CancellationToken requestAborted)
    {
        var report = await health.CheckReadinessAsync(requestAborted);
        var byName = report.Entries.ToDictionary(e => e.Key,
            e => e.Value.Status == HealthStatus.Healthy ? "ok" : e.Value.Description ?? e.Value.Exception?.GetType().Name ?? "niet gereed");
        if (report.Status == HealthStatus.Healthy) return TypedResults.Ok(new HealthStatusResponse("ready", byName));

        return Problems.Rule(ProblemCodes.NotReady,
            "De dienst is nog niet gereed: " + string.Join("; ", byName.Where(e => e.Value != "ok").Select(e => $"{e.Key}: {e.Value}")),
            StatusCodes.Status503ServiceUnavailable,
            new Dictionary<string, object?> { ["checks"] = byName },
            retryAfter: TimeSpan.FromSeconds(5));
    }

    /// <summary><see cref="Checks"/>: each readiness check and what it said ("ok"); null for liveness.</summary>
    private sealed record HealthStatusResponse(string Status, IReadOnlyDictionary<string, string>? Checks);
}
