using Npgsql;

namespace Waardecheque.Web.Database;

/// <summary>Npgsql pool options the app sets on its connection strings (the web's own pool and the event store's).</summary>
internal static class PoolSettings
{
    /// <summary>
    /// <c>No Reset On Close=true</c>, unless the connection string says otherwise. By default Npgsql resets every
    /// pooled connection before reuse (RESET ALL, CLOSE ALL, UNLISTEN *, unlocking advisory locks, ...): one extra
    /// statement for PostgreSQL per connection taken from the pool. The app leaves no session state on pooled
    /// connections (advisory locks are transaction-scoped, the demo seed's one is released in a finally, LISTEN runs on
    /// the daemon's unpooled connections), so the reset is pure cost: on the resident cheque page it was half of the
    /// statements and about half of the CPU per request (docs/benchmarks.md, cheque page).
    /// </summary>
    public static string Apply(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var setByOperator = connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)
                            || connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase);
        if (!setByOperator) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
