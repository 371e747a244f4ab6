using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Api;

/// <summary>
/// The API's own tables, next to the auth tables: first answers to idempotent requests, and receipt files of
/// expenses. Idempotent and safe with several processes starting at once (same advisory lock as the auth schema).
/// A feature's own tables are created by that feature (the top-ups': Features/TopUps/TopUpSchema).
/// </summary>
internal sealed class ApiSchema(NpgsqlDataSource db, DbSchema schema) : IStartupTask
{
    public string Name => "api schema";

    public Task RunAsync(CancellationToken cancellationToken) => DbSchema.ApplyAsync(db, Sql(schema), cancellationToken);

    internal static string Sql(DbSchema s) => $"""
        select pg_advisory_xact_lock({AuthSchema.MigrationLock});
        create schema if not exists {s.Quoted};
        create table if not exists {s.Table("api_idempotency")} (
            actor       text not null,
            key         text not null,
            fingerprint bytea not null,
            status      int,
            content_type text,
            body        text,
            created     timestamptz not null,
            completed   timestamptz,
            primary key (actor, key)
        );
        create index if not exists api_idempotency_created on {s.Table("api_idempotency")} (created);
        create table if not exists {s.Table("receipts")} (
            id           uuid primary key,
            content_type text not null,
            bytes        bytea not null,
            sha256       bytea not null check (length(sha256) = 32),
            file_name    text,
            created      timestamptz not null
        );
        """;
}
