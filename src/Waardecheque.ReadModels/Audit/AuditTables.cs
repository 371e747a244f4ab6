namespace Waardecheque.ReadModels.Audit;

/// <summary>
/// The audit projection's tables: the <see cref="Waardecheque.Domain.Ledger.Books"/> of every program, stored in parts
/// so that a read or a batch of events loads only what it needs (docs/marten-move.md, "The audit from a projection").
/// <list type="bullet">
/// <item><c>rm_audit_programs</c>: the running totals and counts, one row per program (only the daemon writes it, so
/// no pledge ever waits on it).</item>
/// <item><c>rm_audit_buurten</c>, <c>rm_audit_ideas</c>: every buurt and idea with its figures (tens and hundreds of rows).</item>
/// <item><c>rm_audit_cheques</c>, <c>rm_audit_households</c>, <c>rm_audit_idea_pledges</c>: what the books remember
/// per cheque, household and (idea, household); loaded only for the keys that the events being folded name.</item>
/// <item><c>rm_audit_days</c>: the totals at the end of every UTC day with an event (the audit page's history).</item>
/// <item><c>rm_audit_checkpoint</c>: the last sequence number folded into all of the above, written in the same
/// transaction as they are, so a reader that sees the rows sees the checkpoint that belongs to them.</item>
/// </list>
/// </summary>
public static class AuditTables
{
    public const string SchemaSql = """
        create table if not exists rm_audit_checkpoint (id int primary key, last_seq bigint not null);
        create table if not exists rm_audit_programs (
            program_id uuid primary key, closed boolean not null, issued_cents bigint not null, activated_cents bigint not null,
            available_cents bigint not null, pledged_open_cents bigint not null, committed_cents bigint not null,
            spent_cents bigint not null, returned_cents bigint not null, expired_cents bigint not null,
            topped_up_cents bigint not null, refunded_cents bigint not null, households int not null,
            activated_households int not null, pledging_households int not null);
        create table if not exists rm_audit_buurten (
            program_id uuid not null, code text not null, name text not null, households int not null, cheques int not null,
            issued_cents bigint not null, activated int not null, pledging int not null, ideas int not null, funded int not null,
            primary key (program_id, code));
        create table if not exists rm_audit_ideas (
            idea_id uuid primary key, program_id uuid not null, title text not null, buurt_code text not null,
            target_cents bigint not null, state text not null, pledged_cents bigint not null, topped_up_cents bigint not null,
            refunded_cents bigint not null, spent_cents bigint not null, returned_cents bigint not null, households int not null,
            accepted_top_ups uuid[] not null);
        create index if not exists rm_audit_ideas_program on rm_audit_ideas (program_id);
        create table if not exists rm_audit_idea_pledges (
            idea_id uuid not null, household_id uuid not null, amount_cents bigint not null, primary key (idea_id, household_id));
        create table if not exists rm_audit_cheques (
            cheque_id uuid primary key, program_id uuid not null, household_id uuid not null, buurt_code text not null,
            balance_cents bigint not null, activated boolean not null);
        create index if not exists rm_audit_cheques_program on rm_audit_cheques (program_id);
        create table if not exists rm_audit_households (
            program_id uuid not null, household_id uuid not null, issued_cents bigint, activated boolean not null,
            pledging boolean not null, primary key (program_id, household_id));
        create table if not exists rm_audit_days (
            program_id uuid not null, day date not null, issued_cents bigint not null, activated_cents bigint not null,
            available_cents bigint not null, pledged_open_cents bigint not null, committed_cents bigint not null,
            spent_cents bigint not null, returned_cents bigint not null, expired_cents bigint not null,
            topped_up_cents bigint not null, refunded_cents bigint not null, reconciles boolean not null,
            households int not null, activated_households int not null, pledging_households int not null,
            ideas int not null, funded int not null, primary key (program_id, day));
        """;

    /// <summary>Every table above, the checkpoint included.</summary>
    public static readonly string[] Names =
    [
        "rm_audit_checkpoint", "rm_audit_programs", "rm_audit_buurten", "rm_audit_ideas", "rm_audit_idea_pledges",
        "rm_audit_cheques", "rm_audit_households", "rm_audit_days",
    ];

    /// <summary>Empties the projection and its checkpoint: the next fold starts from the first event.</summary>
    public static readonly string ResetSql = "truncate " + string.Join(", ", Names);

    /// <summary>
    /// New statistics after a rebuild has rewritten every row: without them the reads were planned on the emptied
    /// tables' figures until autovacuum came round (a read's p99 was 68–83 ms right after a catch-up in pages of 5,000,
    /// and 56 ms with an ANALYZE first; docs/benchmarks.md "fourth session").
    /// </summary>
    public static readonly string AnalyzeSql = "analyze " + string.Join(", ", Names);
}
