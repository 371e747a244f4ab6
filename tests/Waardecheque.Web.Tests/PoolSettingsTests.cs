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

    [Fact]
    public void statements_used_twice_on_a_connection_are_prepared_unless_the_operator_says_otherwise()
    {
        var applied = new NpgsqlConnectionStringBuilder(PoolSettings.Apply(Plain));
        Assert.Equal((100, 2), (applied.MaxAutoPrepare, applied.AutoPrepareMinUsages));
        var chosen = new NpgsqlConnectionStringBuilder(PoolSettings.Apply(Plain + ";Max Auto Prepare=0;Auto Prepare Min Usages=5"));
        Assert.Equal((0, 5), (chosen.MaxAutoPrepare, chosen.AutoPrepareMinUsages));
    }
}
