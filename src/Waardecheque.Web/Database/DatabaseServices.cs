using Npgsql;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Database;

public static class DatabaseServices
{
    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> (the connection pool) and the <see cref="DbSchema"/> for the whole app.
    /// Both read configuration when first resolved, not at registration, so a test host's settings are seen.
    /// </summary>
    public static IServiceCollection AddWaardechequeDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(ConnectionStringOf(sp.GetRequiredService<IConfiguration>())).Build());
        services.AddSingleton(sp => SchemaOf(sp.GetRequiredService<IConfiguration>()));
        services.AddStartupTaskRunner();
        return services;
    }

    /// <summary>The configured connection string with our pool settings (the app's pools, Marten's, the operator commands').</summary>
    public static string ConnectionStringOf(IConfiguration config)
    {
        var connectionString = config.GetConnectionString(WebConfig.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"ConnectionStrings:{WebConfig.ConnectionStringName} is not set (e.g. the environment variable " +
                $"ConnectionStrings__{WebConfig.ConnectionStringName}): the app needs PostgreSQL (see infra/pg.sh).");
        return PoolSettings.Apply(connectionString);
    }

    /// <summary>The configured schema, or the default one.</summary>
    public static DbSchema SchemaOf(IConfiguration config) =>
        new(config[WebConfig.Schema] is { Length: > 0 } name ? name : WebConfig.DefaultSchema);

    /// <summary>
    /// A database error worth retrying: the server is unreachable, restarting or refusing connections for now.
    /// Errors in our own SQL are not transient and must not be retried forever. Marten wraps what Npgsql throws, so
    /// the whole chain of inner exceptions is looked at.
    /// </summary>
    public static bool IsTransient(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (IsTransientItself(x)) return true;
        return false;
    }

    private static bool IsTransientItself(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        // The server is shutting down (a restart, a failover): Npgsql does not call these transient, but the request
        // that met one can be retried shortly, so it gets a 503 with Retry-After, not a 500.
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException } => true,
        TimeoutException => true,
        _ => false,
    };
}
