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
    /// <para>
    /// <c>Max Auto Prepare=100;Auto Prepare Min Usages=2</c>, unless the connection string sets them: a statement
    /// text sent twice on a connection is prepared there, so PostgreSQL stops parsing and planning it on every call.
    /// The app sends a few dozen fixed statement texts over and over (the page queries, the session lookup, the
    /// projections'); on the cheque page this took a third off PostgreSQL's CPU per request (docs/benchmarks.md).
    /// </para>
    /// </summary>
    public static string Apply(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!SetByOperator(connectionString, "No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        if (!SetByOperator(connectionString, "Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 100;
        if (!SetByOperator(connectionString, "Auto Prepare Min Usages", "AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    private static bool SetByOperator(string connectionString, params ReadOnlySpan<string> spellings)
    {
        foreach (var name in spellings)
            if (connectionString.Contains(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
