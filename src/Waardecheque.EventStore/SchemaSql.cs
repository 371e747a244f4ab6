namespace Waardecheque.EventStore;

/// <summary>
/// The store's tables (ARCHITECTURE.md, "The event store"), as numbered migrations. Each step is idempotent on its own,
/// and <see cref="SchemaMigrator"/> runs the ones a database has not seen yet under an advisory lock.
/// </summary>
internal static class SchemaSql
{
    public const string Component = "event_store";

    /// <summary>Notifications go to one channel per schema, so tests sharing a database do not wake each other.</summary>
    public static string Channel(string schema) => "mt_events_" + schema;

    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the event log.
        """
        create table if not exists mt_streams (
            id uuid primary key,
            type text,
            version bigint not null,
            timestamp timestamptz not null default now(),
            created timestamptz not null default now(),
            is_archived boolean not null default false,
            head_hash bytea not null
        );

        -- CACHE 1 (the default) matters: with it nextval is monotonic in time across sessions and last_value is
        -- the highest number handed out, which the daemon's high-water mark relies on. Never raise the cache.
        create sequence if not exists mt_events_sequence cache 1;

        create table if not exists mt_events (
            seq_id bigint primary key,
            id uuid not null,
            stream_id uuid not null,
            version bigint not null,
            data jsonb not null,
            type text not null,
            timestamp timestamptz not null,
            correlation_id text,
            causation_id text,
            headers jsonb,
            user_name text,
            hash bytea not null,
            constraint mt_events_stream_version unique (stream_id, version)
        );

        create table if not exists mt_event_progression (
            name text primary key,
            last_seq_id bigint not null default 0,
            last_updated timestamptz not null default now()
        );
        """,
    ];

    public static int CurrentVersion => Migrations.Count;

    public const string VersionTable = """
        create table if not exists mt_schema_version (
            component text primary key,
            version integer not null,
            applied_at timestamptz not null default now()
        );
        """;
}
