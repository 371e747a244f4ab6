using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Health;

public static class HealthServices
{
    public static IServiceCollection AddReadinessCheck<T>(this IServiceCollection services) where T : class, IReadinessCheck =>
        services.AddSingleton<IReadinessCheck, T>();

    internal static IServiceCollection AddWaardechequeHealth(this IServiceCollection services) =>
        services.AddReadinessCheck<PostgresReadiness>();
}

/// <summary>
/// <c>/health/live</c> says the process runs (a load balancer restarts it otherwise); <c>/health/ready</c> says it
/// can serve (a load balancer sends traffic only then). Liveness must never depend on the database: a database
/// outage should take the app out of rotation, not get every app process killed.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live", null)))
            .WithSummary("The process is running.");
        health.MapGet("/ready", ReadyAsync)
            .WithSummary("The app can serve requests: PostgreSQL answers and the schema is in place.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ReadyAsync(IEnumerable<IReadinessCheck> checks, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(CheckTimeout);
        var results = await Task.WhenAll(checks.Select(async check => (check.Name, Result: await RunAsync(check, timeout.Token))));
        var byName = results.ToDictionary(r => r.Name, r => r.Result.IsReady ? "ok" : r.Result.Reason ?? "niet gereed");
        if (results.All(r => r.Result.IsReady)) return TypedResults.Ok(new HealthStatus("ready", byName));

        return Problems.Rule(ProblemCodes.NotReady,
            "De dienst is nog niet gereed: " + string.Join("; ", results.Where(r => !r.Result.IsReady).Select(r => $"{r.Name}: {byName[r.Name]}")),
            StatusCodes.Status503ServiceUnavailable,
            new Dictionary<string, object?> { ["checks"] = byName },
            retryAfter: TimeSpan.FromSeconds(5));
    }

    private static async Task<ReadinessResult> RunAsync(IReadinessCheck check, CancellationToken cancellationToken)
    {
        try { return await check.CheckAsync(cancellationToken); }
        catch (Exception e) { return ReadinessResult.NotReady(e.GetType().Name); }
    }

    private sealed record HealthStatus(string Status, IReadOnlyDictionary<string, string>? Checks);
}
