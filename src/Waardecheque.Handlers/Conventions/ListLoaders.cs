using Npgsql;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Handlers.Conventions;

/// <summary>
/// How a rule's <c>IReadOnlyList&lt;T&gt;</c> of aggregates is found: the ids come from a read model, the aggregates are
/// then loaded for writing like any other (so each is version-checked at commit).
/// </summary>
internal static class ListLoaders
{
    public delegate Task<IReadOnlyList<Guid>> ListLoader(object command, IReadOnlyList<object> loaded, NpgsqlDataSource db, CancellationToken ct);

    private static readonly Dictionary<Type, ListLoader> Loaders = new() { [typeof(Idea)] = IdeasStillRunningAsync };

    public static ListLoader For(Type aggregateType) =>
        Loaders.TryGetValue(aggregateType, out var l) ? l : throw new InvalidOperationException($"No list loader for {aggregateType.Name}.");

    /// <summary>Closing a program expires its ideas that are still Submitted or Open.</summary>
    private static async Task<IReadOnlyList<Guid>> IdeasStillRunningAsync(object command, IReadOnlyList<object> loaded,
        NpgsqlDataSource db, CancellationToken ct)
    {
        var program = loaded.OfType<Program>().Single();
        await using var cmd = db.CreateCommand("select id from rm_ideas where program_id = $1 and state in ('Submitted', 'Open')");
        cmd.Parameters.Add(new NpgsqlParameter { Value = program.Id });
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
