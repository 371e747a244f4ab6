using Npgsql;

namespace Waardecheque.ReadModels;

/// <summary>
/// Collects a projection's statements for one batch of events, to send in one round trip: the daemon and inline
/// projections hand over hundreds of events at a time, and a round trip per event would dominate. Inline, the store
/// sends them in the append's own round trip (<see cref="Waardecheque.EventStore.IStatementProjection"/>).
/// </summary>
internal sealed class SqlBatch(ICollection<NpgsqlBatchCommand> statements)
{
    public void Add(string sql, params object?[] args)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(a as NpgsqlParameter ?? new NpgsqlParameter { Value = Normalise(a) });
        statements.Add(cmd);
    }

    /// <summary>
    /// Npgsql writes only UTC offsets to timestamptz; an event may carry a local time (a deadline typed as +01:00).
    /// The instant is what matters, so every time goes in as UTC.
    /// </summary>
    private static object Normalise(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset t => t.ToUniversalTime(),
        _ => value,
    };

    /// <summary>Sends the statements in one round trip (none: no round trip).</summary>
    public static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<NpgsqlBatchCommand> statements,
        CancellationToken ct)
    {
        if (statements.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var statement in statements) batch.BatchCommands.Add(statement);
        await batch.ExecuteNonQueryAsync(ct);
    }

    public static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
