using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Tests;

/// <summary>What counts as "the database is away for now" (a 503 with Retry-After) rather than a fault (a 500).</summary>
public sealed class DatabaseTransienceTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.AdminShutdown)]     // seen in the restart drill: a query running while PostgreSQL stops
    [InlineData(PostgresErrorCodes.CrashShutdown)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]  // starting up
    public void a_server_shutting_down_or_starting_is_transient(string sqlState)
    {
        Assert.True(DatabaseServices.IsTransient(Postgres(sqlState)));
    }

    [Fact]
    public void a_transient_error_wrapped_by_marten_is_still_transient()
    {
        var wrapped = new InvalidOperationException("Marten's batch failed", Postgres(PostgresErrorCodes.AdminShutdown));

        Assert.True(DatabaseServices.IsTransient(wrapped));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.SyntaxError)]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    public void an_error_in_our_own_sql_is_not_transient(string sqlState)
    {
        Assert.False(DatabaseServices.IsTransient(new InvalidOperationException("wrapped", Postgres(sqlState))));
    }

    private static PostgresException Postgres(string sqlState) => new("test", "FATAL", "FATAL", sqlState);
}
