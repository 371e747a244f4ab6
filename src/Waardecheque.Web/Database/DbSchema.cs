using System.Text.RegularExpressions;

namespace Waardecheque.Web.Database;

/// <summary>
/// The PostgreSQL schema the app's own tables live in. The name is spliced into SQL (identifiers cannot be
/// parameters), so it is checked against a strict pattern once, here.
/// </summary>
public sealed partial record DbSchema
{
    public DbSchema(string name)
    {
        if (!SafeName().IsMatch(name))
            throw new ArgumentException($"Schema name '{name}' must be lower-case letters, digits and underscores.", nameof(name));
        Name = name;
    }

    public string Name { get; }

    /// <summary>The schema as a quoted identifier, ready for SQL: <c>"waardecheque"</c>.</summary>
    public string Quoted => $"\"{Name}\"";

    /// <summary>A table in this schema as a quoted, qualified name.</summary>
    public string Table(string table) => $"{Quoted}.\"{table}\"";

    /// <summary>Runs a DDL script in one transaction (scripts take an advisory lock first, so two processes never race).</summary>
    public static async Task ApplyAsync(Npgsql.NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new Npgsql.NpgsqlCommand(sql, connection, transaction))
            await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();
}
