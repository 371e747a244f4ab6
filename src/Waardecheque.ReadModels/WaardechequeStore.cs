using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.EventStore;
using Waardecheque.Messaging;

namespace Waardecheque.ReadModels;

/// <summary>
/// How the parts fit together: which events the store knows, which projections keep which tables, which handlers
/// the bus runs. The web host, the integration tests and the benchmarks all start from here, so they run the same thing.
/// </summary>
public static class WaardechequeStore
{
    /// <param name="codeKey">The server key cheque codes are derived from: rm_cheques keeps each code's keyed lookup value.</param>
    public static StoreOptions Options(string connectionString, byte[] codeKey, string schema = "waardecheque")
    {
        var options = new StoreOptions { ConnectionString = connectionString, DatabaseSchemaName = schema };
        foreach (var (type, alias) in DomainEvents.All) options.Events.Add(type, alias);
        // Inline: what a command or the next page view must see at once (credit, progress, log-in by code).
        options.Projections.Add(new ProgramsProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new HouseholdsProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new ChequesProjection(new CodeLookup(codeKey)), ProjectionLifecycle.Inline);
        options.Projections.Add(new IdeasProjection(), ProjectionLifecycle.Inline);
        options.ExtraSchemaSql.Add(Outbox.SchemaSql);
        return options;
    }

    public static HandlerRegistry Handlers() => new HandlerRegistry()
        .Discover(typeof(Program).Assembly)
        .NameMessages(DomainEvents.Messages)
        .LoadListWith<Idea>(IdeasStillRunningAsync);

    /// <summary>Closing a program expires its ideas that are still Submitted or Open.</summary>
    private static async Task<IReadOnlyList<Guid>> IdeasStillRunningAsync(object command, IReadOnlyList<object> loaded,
        DocumentStore store, CancellationToken ct)
    {
        var program = loaded.OfType<Program>().Single();
        await using var cmd = store.DataSource.CreateCommand(
            "select id from rm_ideas where program_id = $1 and state in ('Submitted', 'Open')");
        cmd.Parameters.Add(new NpgsqlParameter { Value = program.Id });
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
