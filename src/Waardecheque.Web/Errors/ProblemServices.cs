using Microsoft.AspNetCore.Mvc;

namespace Waardecheque.Web.Errors;

public static class ProblemServices
{
    internal static IServiceCollection AddWaardechequeProblems(this IServiceCollection services)
    {
        // Problems the framework writes through IProblemDetailsService get the same shape as ours.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => ProblemWriter.Complete(c.ProblemDetails, c.HttpContext));
        services.AddExceptionHandler<ExceptionToProblem>();
        // Unreadable JSON and missing bodies throw, so they reach ExceptionToProblem instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Exceptions and empty 4xx/5xx responses (unknown route, 401, 403, 405) all become problem+json.</summary>
    internal static IApplicationBuilder UseWaardechequeProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages(context => ProblemWriter.WriteAsync(context.HttpContext, new ProblemDetails()));
        return app;
    }
}
