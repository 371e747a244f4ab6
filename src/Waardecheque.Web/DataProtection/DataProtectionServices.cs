using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

using Waardecheque.Web.Database;

namespace Waardecheque.Web.DataProtection;

public static class DataProtectionServices
{
    /// <summary>One application name for every process and install path (the default is the content root path, so two
    /// machines with different paths would not share keys), and the key ring in PostgreSQL.</summary>
    internal static IServiceCollection AddWaardechequeDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Waardecheque");
        services.AddSingleton<DatabaseKeyRepository>();
        services.AddStartupTask<DataProtectionKeysSchema>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<DatabaseKeyRepository>((options, repository) => options.XmlRepository = repository);
        return services;
    }
}
