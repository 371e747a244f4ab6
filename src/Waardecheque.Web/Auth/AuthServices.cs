using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Auth;

public static class AuthServices
{
    internal static IServiceCollection AddWaardechequeAuth(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StaffPasswords>();
        services.AddSingleton<StaffAccounts>();
        services.AddSingleton<ISessionTokens, SessionTokens>();
        services.AddStartupTask<AuthSchema>();
        services.AddStartupTask<BootstrapAdmin>();
        services.AddSingleton<IHousekeeping, ExpiredSessions>();
        services.AddHousekeeping();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddWaardechequePolicies();
        return services;
    }
}
