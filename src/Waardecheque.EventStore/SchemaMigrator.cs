using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Creates or upgrades the schema at start-up. Several app processes may start at once, so everything runs in one
/// transaction behind an advisory lock: the second process waits, then finds the work done.
/// </summary>
internal static partial class SchemaMigrator
{
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,50}$")]
    private static partial Regex SchemaNamePattern();

    public static string CheckSchemaName(string schema) =>
        SchemaNamePattern().IsMatch(schema)
            ? schema
            : throw new ArgumentException($"Schema name '{schema}' must be lower-case letters, digits and underscores.");

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, StoreOptions options, CancellationToken ct)
    {
        var schema = options.DatabaseSchemaName;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        await Execute(conn, "select pg_advisory_xact_lock($1)", ct, StableKey("waardecheque.schema:" + schema));
        await Execute(conn, $"create schema if not exists \"{schema}\"", ct);
        await Execute(conn, SchemaSql.VersionTable, ct);

        await using (var cmd = new NpgsqlCommand("select version from mt_schema_version where component = $1", conn))
        {
            cmd.Parameters.Add(new() { Value = SchemaSql.Component });
            var current = (int?)await cmd.ExecuteScalarAsync(ct) ?? 0;
            for (var step = current; step < SchemaSql.Migrations.Count; step++)
                await Execute(conn, SchemaSql.Migrations[step], ct);
        }
        await Execute(conn, """
            insert into mt_schema_version (component, version) values ($1, $2)
            on conflict (component) do update set version = excluded.version, applied_at = now()
            where mt_schema_version.version < excluded.version
            """, ct, SchemaSql.Component, SchemaSql.CurrentVersion);

        foreach (var sql in options.ExtraSchemaSql) await Execute(conn, sql, ct);
        foreach (var registered in options.Projections.All)
        {
            await registered.Projection.EnsureSchemaAsync(conn, ct);
            if (registered.Lifecycle == ProjectionLifecycle.Async)
                await Execute(conn, "insert into mt_event_progression (name) values ($1) on conflict do nothing", ct,
                    registered.Projection.Name);
        }
        await tx.CommitAsync(ct);
    }

    public static async Task<bool> IsCurrentAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("select version from mt_schema_version where component = $1", conn);
            cmd.Parameters.Add(new() { Value = SchemaSql.Component });
            return await cmd.ExecuteScalarAsync(ct) is int version && version == SchemaSql.CurrentVersion;
        }
        catch (NpgsqlException)
        {
            // Unreachable database or missing table: either way not ready.
            return false;
        }
    }

    /// <summary>A 64-bit advisory lock key that is the same in every process (string.GetHashCode is not).</summary>
    public static long StableKey(string text) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task Execute(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var arg in args) cmd.Parameters.Add(new() { Value = arg });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
