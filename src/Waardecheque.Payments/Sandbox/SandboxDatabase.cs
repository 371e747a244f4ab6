using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The sandbox's state in PostgreSQL, in a schema of its own, so it survives an app restart and is shared by several
/// app processes: Stripe's objects as JSON (what the API shows, plus private details such as the line items), the
/// stored idempotent answers, and the events with their delivery outbox.
/// </summary>
internal sealed partial class SandboxDatabase : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _source;
    private readonly Lock _schemaLock = new();
    private Task? _schema;

    public SandboxDatabase(StripeSandboxOptions options)
    {
        if (!SafeName().IsMatch(options.Schema)) throw new ArgumentException($"Bad sandbox schema name '{options.Schema}'.");
        S = $"\"{options.Schema}\"";
        // Its own small pool: a busy demo sandbox must not take connections the app needs.
        _source = new(() => new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(options.ConnectionString) { MaxPoolSize = 10 }.ConnectionString).Build());
    }

    /// <summary>The schema, quoted, for splicing into SQL (identifiers cannot be parameters; checked above).</summary>
    public string S { get; }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        return await _source.Value.OpenConnectionAsync(ct);
    }

    /// <summary>
    /// True once the sandbox has been used (by any process on this database). Until then the worker leaves the
    /// database alone: an app that never takes a payment gets no sandbox tables beside its own.
    /// </summary>
    public async Task<bool> InUseAsync(CancellationToken ct)
    {
        if (_schema is { IsCompletedSuccessfully: true }) return true;
        await using (var conn = await _source.Value.OpenConnectionAsync(ct))
        await using (var cmd = Command(conn, null, "select to_regclass($1) is not null", $"{S}.outbox"))
            if (!(bool)(await cmd.ExecuteScalarAsync(ct))!) return false;
        await EnsureSchemaAsync(ct);
        return true;
    }

    /// <summary>Creates the schema once, on first use; after a failure (PostgreSQL down) the next caller tries again.</summary>
    public Task EnsureSchemaAsync(CancellationToken ct)
    {
        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled) _schema = CreateSchemaAsync();
            return _schema.WaitAsync(ct);
        }
    }

    private async Task CreateSchemaAsync()
    {
        await using var conn = await _source.Value.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        // The advisory lock keeps two starting processes from racing on CREATE.
        await Exec(conn, tx, $$"""
            select pg_advisory_xact_lock(hashtext('waardecheque.stripe_sandbox.schema'));
            create schema if not exists {{S}};
            create table if not exists {{S}}.settings (key text primary key, value text not null);
            create table if not exists {{S}}.objects (
                id text primary key, type text not null, data jsonb not null, private jsonb not null default '{}'::jsonb,
                created_at timestamptz not null default now());
            create index if not exists objects_open_sessions on {{S}}.objects (((data->>'expires_at')::bigint))
                where type = 'checkout.session' and data->>'status' = 'open';
            create table if not exists {{S}}.idempotency (
                scope text primary key, request_hash text not null, status int not null, body text not null,
                request_id text not null, created_at timestamptz not null default now());
            create table if not exists {{S}}.events (
                id text primary key, type text not null, body text not null, created_at timestamptz not null default now());
            create table if not exists {{S}}.outbox (
                seq bigserial primary key, event_id text not null references {{S}}.events(id),
                attempts int not null default 0, next_attempt_at timestamptz not null default now(),
                locked_until timestamptz, delivered_at timestamptz, last_status int, last_error text);
            create index if not exists outbox_due on {{S}}.outbox (next_attempt_at) where delivered_at is null;
            """);
        await tx.CommitAsync();
    }

    public static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params object?[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        await cmd.ExecuteNonQueryAsync();
    }

    public static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return cmd;
    }

    public async Task<StoredObject?> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string id, string type, bool forUpdate)
    {
        await using var cmd = Command(conn, tx,
            $"select data::text, private::text from {S}.objects where id = $1 and type = $2{(forUpdate ? " for update" : "")}", id, type);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new StoredObject(id, JsonNode.Parse(reader.GetString(0))!.AsObject(), JsonNode.Parse(reader.GetString(1))!.AsObject());
    }

    public Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string type, StoredObject o) => Exec(conn, tx,
        $"insert into {S}.objects (id, type, data, private) values ($1, $2, $3::jsonb, $4::jsonb)",
        o.Id, type, o.Data.ToJsonString(), o.Private.ToJsonString());

    public Task SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, StoredObject o) => Exec(conn, tx,
        $"update {S}.objects set data = $2::jsonb, private = $3::jsonb where id = $1",
        o.Id, o.Data.ToJsonString(), o.Private.ToJsonString());

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated) await _source.Value.DisposeAsync();
    }
}

/// <summary>One Stripe object: what the API shows (<see cref="Data"/>) and what only the sandbox keeps.</summary>
internal sealed record StoredObject(string Id, JsonObject Data, JsonObject Private);
