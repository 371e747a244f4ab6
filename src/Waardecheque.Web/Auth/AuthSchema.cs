using Npgsql;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Auth;

/// <summary>
/// Creates the staff and session tables if they are missing. Safe to run on every start and from several app
/// processes at once: the advisory lock makes concurrent <c>create ... if not exists</c> wait instead of clash.
/// </summary>
internal sealed class AuthSchema(NpgsqlDataSource db, DbSchema schema) : IStartupTask
{
    // Any fixed number; the lock only has to be the same for every process that migrates these tables.
    internal const long MigrationLock = 0x5761_6172_6465_01;

    public string Name => "auth schema";

    public Task RunAsync(CancellationToken cancellationToken) => DbSchema.ApplyAsync(db, Sql(schema), cancellationToken);

    internal static string Sql(DbSchema s) => $"""
        select pg_advisory_xact_lock({MigrationLock});
        create schema if not exists {s.Quoted};
        create table if not exists {s.Table("staff")} (
            id            uuid primary key,
            email         text not null unique check (email = lower(email)),
            password_hash text not null,
            role          text not null check (role in ('admin', 'moderator', 'auditor')),
            created       timestamptz not null default now()
        );
        create table if not exists {s.Table("auth_sessions")} (
            token_hash bytea primary key check (length(token_hash) = 32),
            kind       text not null check (kind in ('staff', 'resident')),
            subject_id uuid not null,
            role       text not null,
            created    timestamptz not null default now(),
            expires_at timestamptz not null
        );
        create index if not exists auth_sessions_subject_id on {s.Table("auth_sessions")} (subject_id);
        create index if not exists auth_sessions_expires_at on {s.Table("auth_sessions")} (expires_at);
        """;
}
