using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// The top-ups' own tables, owned by this feature (they used to be created with the API's): <c>topup_checkouts</c>
/// (<see cref="TopUpCheckouts"/>) and <c>stripe_events</c> (<see cref="StripeEventInbox"/>). Idempotent and safe with
/// several processes starting at once (the same advisory lock as the auth and API schemas). Registered in
/// <see cref="TopUpServices.AddTopUps"/>, which runs after the API's schema and before anything that takes requests.
/// </summary>
internal sealed class TopUpSchema(NpgsqlDataSource db, DbSchema schema) : IStartupTask
{
    public string Name => "top-up schema";

    public Task RunAsync(CancellationToken cancellationToken) => DbSchema.ApplyAsync(db, Sql(schema), cancellationToken);

    internal static string Sql(DbSchema s) => $"""
        select pg_advisory_xact_lock({AuthSchema.MigrationLock});
        create schema if not exists {s.Quoted};
        create table if not exists {s.Table("topup_checkouts")} (
            top_up_id       uuid primary key,
            idempotency_key text not null,
            success_url     text not null,
            cancel_url      text not null,
            email           text,
            session_id      text,
            url             text,
            created         timestamptz not null
        );
        create table if not exists {s.Table("stripe_events")} (
            event_id    text primary key,
            type        text not null,
            received    timestamptz not null
        );
        """;
}
