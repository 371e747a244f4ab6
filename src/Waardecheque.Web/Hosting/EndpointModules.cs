namespace Waardecheque.Web.Hosting;

/// <summary>
/// A group of endpoints that maps itself. Register one with <see cref="EndpointModules.AddEndpointModule{T}"/> and
/// <see cref="WebApp.Build"/> maps it, so a feature can be wired from its own folder (and a test can add a probe).
/// </summary>
public interface IEndpointModule
{
    void Map(IEndpointRouteBuilder endpoints);
}

public static class EndpointModules
{
    public static IServiceCollection AddEndpointModule<T>(this IServiceCollection services) where T : class, IEndpointModule =>
        services.AddSingleton<IEndpointModule, T>();

    internal static void MapEndpointModules(this WebApplication app)
    {
        foreach (var module in app.Services.GetServices<IEndpointModule>()) module.Map(app);
    }
}
