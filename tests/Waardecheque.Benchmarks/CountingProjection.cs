using Npgsql;
using Waardecheque.EventStore;

namespace Waardecheque.Benchmarks;

/// <summary>A projection that only counts what it is given: the store's own share of a replay or rebuild.</summary>
internal sealed class CountingProjection : IProjection
{
    public long Count;
    public string Name => "bench_counter";
    public Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct) => Task.CompletedTask;

    public Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        Count += events.Count;
        return Task.CompletedTask;
    }

    public Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        Count = 0;
        return Task.CompletedTask;
    }
}
