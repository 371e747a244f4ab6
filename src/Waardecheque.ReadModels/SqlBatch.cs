using Npgsql;

namespace Waardecheque.ReadModels;

/// <summary>
/// Collects a projection's statements for one batch of events and sends them in one round trip: the daemon and
/// inline projections hand over hundreds of events at a time, and a round trip per event would dominate.
/// </summary>
internal sealed class SqlBatch(NpgsqlConnection conn, NpgsqlTransaction tx)
{
    private readonly NpgsqlBatch _batch = new(conn, tx);

    public void Add(string sql, params object?[] args)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(a as NpgsqlParameter ?? new NpgsqlParameter { Value = Normalise(a) });
        _batch.BatchCommands.Add(cmd);
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

    public async Task ExecuteAsync(CancellationToken ct)
    {
        if (_batch.BatchCommands.Count > 0) await _batch.ExecuteNonQueryAsync(ct);
        await _batch.DisposeAsync();
    }

    public static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
