using System.Data.Common;
using System.Text;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Storage;

namespace Waardecheque.ReadModels;

/// <summary>
/// Queues a projection's statements into Marten's unit of work (<c>QueueOperation</c>), so they travel in the same
/// batch and transaction as the events they follow from: inline, a read row and its event commit or roll back
/// together. Statements are written with PostgreSQL's <c>$1</c> placeholders; an argument may be an
/// <see cref="NpgsqlParameter"/> when its type matters (jsonb, typed arrays).
/// </summary>
internal sealed class SqlBatch(IDocumentOperations operations)
{
    public void Add(string sql, params object?[] args) => operations.QueueOperation(new SqlStatement(sql, args));

    /// <summary>An array argument for <c>unnest</c>, typed (Npgsql cannot infer an array's element type from nulls).</summary>
    public static NpgsqlParameter Array(System.Array values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

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

    /// <summary>One statement without results in Marten's batch.</summary>
    private sealed class SqlStatement : Weasel.Storage.IStorageOperation, NoDataReturnedCall
    {
        private const char Placeholder = '\u0001';
        private readonly string _sql;
        private readonly object?[] _args;

        /// <summary>Rewrites <c>$n</c> into Weasel's positional placeholder, repeating an argument used twice.</summary>
        public SqlStatement(string sql, object?[] args)
        {
            var text = new StringBuilder(sql.Length);
            var ordered = new List<object?>();
            for (var i = 0; i < sql.Length; i++)
            {
                if (sql[i] == '$' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1]))
                {
                    var j = i + 1;
                    while (j < sql.Length && char.IsAsciiDigit(sql[j])) j++;
                    ordered.Add(args[int.Parse(sql.AsSpan(i + 1, j - i - 1)) - 1]);
                    text.Append(Placeholder);
                    i = j - 1;
                }
                else text.Append(sql[i]);
            }
            _sql = text.ToString();
            _args = [.. ordered];
        }

        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            var parameters = builder.AppendWithDbParameters(_sql, Placeholder);
            for (var i = 0; i < parameters.Length; i++)
            {
                var target = (NpgsqlParameter)parameters[i];
                if (_args[i] is NpgsqlParameter typed)
                {
                    target.NpgsqlDbType = typed.NpgsqlDbType;
                    target.Value = typed.Value ?? DBNull.Value;
                }
                else
                {
                    // Weasel hands out text parameters; let Npgsql infer the type from the value instead.
                    target.ResetDbType();
                    target.Value = Normalise(_args[i]);
                }
            }
        }

        public Type DocumentType => typeof(Marten.Storage.StorageFeatures);
        public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;
        public OperationRole Role() => OperationRole.Other;
    }
}
