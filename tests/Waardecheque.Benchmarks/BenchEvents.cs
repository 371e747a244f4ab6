using Npgsql;
using Waardecheque.EventStore;

namespace Waardecheque.Benchmarks;

/// <summary>Event-sized bodies for the store benchmarks (about the size of a pledge or a cheque issue).</summary>
public sealed record PurseOpened(Guid PurseId, Guid HouseholdId, string ProgramCode, long BudgetCents);
public sealed record PurseCharged(Guid PurseId, Guid IdeaId, long AmountCents);

public sealed record Purse(Guid Id, long BalanceCents, long Version)
{
    public static Purse Create(PurseOpened e) => new(e.PurseId, e.BudgetCents, 1);
    public Purse Apply(PurseCharged e) => this with { BalanceCents = BalanceCents - e.AmountCents };
}

public static class BenchStore
{
    /// <summary>A store in a schema of its own, emptied first so a reused cluster starts clean.</summary>
    public static async Task<DocumentStore> CreateAsync(BenchCluster cluster, string schema, Action<StoreOptions>? configure = null)
    {
        await using (var conn = new NpgsqlConnection(cluster.ConnectionString))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", conn);
            await drop.ExecuteNonQueryAsync();
        }
        var options = new StoreOptions { ConnectionString = cluster.ConnectionString, DatabaseSchemaName = schema };
        options.Events.Add<PurseOpened>("purse_opened").Add<PurseCharged>("purse_charged");
        configure?.Invoke(options);
        return await DocumentStore.CreateAsync(options);
    }

    public static List<(Guid, object)> NewPurses(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => { var id = Guid.NewGuid(); return (id, (object)new PurseOpened(id, Guid.NewGuid(), "GM0363-2025", 5_000)); })];

    /// <summary>A table shaped like mt_events (same columns and indexes) for the baselines.</summary>
    public const string EventShapedTable = """
        create table if not exists baseline_events (
            seq_id bigint primary key default nextval('baseline_seq'),
            id uuid not null, stream_id uuid not null, version bigint not null, data jsonb not null, type text not null,
            timestamp timestamptz not null, correlation_id text, causation_id text, headers jsonb, user_name text,
            hash bytea not null,
            unique (stream_id, version))
        """;

    public const string SampleBody = """{"purseId":"0b6a3c1e-3f0e-4c55-9a55-2f7a1b6c9d10","ideaId":"5d1f7c2a-8e43-4b1a-b0c1-9a7e6d5c4b3a","amountCents":500}""";

    public static async Task ExecuteAsync(BenchCluster cluster, string sql)
    {
        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
