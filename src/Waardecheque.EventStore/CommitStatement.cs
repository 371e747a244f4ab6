using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// A statement sent with the append, in its round trip (<see cref="IEventSession.OnCommit(NpgsqlBatchCommand, Func{NpgsqlDataReader, CancellationToken, Task}?)"/>
/// and the inline projections' statements). <see cref="Check"/>, when set, reads the statement's rows and may throw to
/// roll the whole session back. A statement without a check must return no rows (an insert or update without
/// returning): Npgsql's reader passes over such statements by itself, so only those with rows can be told apart.
/// </summary>
internal sealed record CommitStatement(NpgsqlBatchCommand Command, Func<NpgsqlDataReader, CancellationToken, Task>? Check)
{
    /// <summary>
    /// Reads the results of <paramref name="statements"/>: they follow the reader's current result in its batch, or
    /// start at it when <paramref name="atFirst"/>. Every result is read, so an error in any statement surfaces here
    /// rather than at COMMIT.
    /// </summary>
    public static async Task ReadAsync(NpgsqlDataReader reader, IReadOnlyList<CommitStatement> statements, bool atFirst, CancellationToken ct)
    {
        foreach (var s in statements.Where(s => s.Check is not null))
        {
            if (!atFirst && !await reader.NextResultAsync(ct))
                throw new InvalidOperationException($"A checked statement returned no result: {s.Command.CommandText}");
            atFirst = false;
            await s.Check!(reader, ct);
        }
        while (await reader.NextResultAsync(ct))
        {
            // Nothing to read; moving on makes the statements after the last check report their errors.
        }
    }

    /// <summary>Sends the statements on their own, in one round trip (a session with nothing to append).</summary>
    public static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<CommitStatement> statements, CancellationToken ct)
    {
        if (statements.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var s in statements) batch.BatchCommands.Add(s.Command);
        // The reader starts at the first statement that returns rows.
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await ReadAsync(reader, statements, atFirst: true, ct);
    }
}
