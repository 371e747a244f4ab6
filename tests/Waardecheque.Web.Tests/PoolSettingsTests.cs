using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Tests;

public sealed class PoolSettingsTests
{
    private const string Plain = "Host=127.0.0.1;Port=5432;Username=u;Password=p;Database=d";

    [Fact]
    public void pooled_connections_are_not_reset_between_uses_unless_the_operator_says_so()
    {
        Assert.True(new NpgsqlConnectionStringBuilder(PoolSettings.Apply(Plain)).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(PoolSettings.Apply(Plain + ";No Reset On Close=false")).NoResetOnClose);
        Assert.Equal("d", new NpgsqlConnectionStringBuilder(PoolSettings.Apply(Plain)).Database);
    }
}
