using Marten;
using Marten.Services;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels;

namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>
/// The inline projections fold the events of a long call (a rebuild page's thousands) into one statement per kind of
/// change, and send a command's few one statement per event. Both must leave the same rows: here one long append
/// brings a cheque's whole life and pledges that add up, are withdrawn, pledged again and released, and the rows are
/// compared with those the same events leave when projected one per call.
/// </summary>
public sealed class ReadModelFoldTests(DomainFixture db) : IClassFixture<DomainFixture>
{
    [Fact]
    public async Task a_page_of_events_folded_leaves_the_rows_one_call_per_event_leaves()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await db.StartAppAsync(clock);
        var t = clock.GetUtcNow();
        Guid program = New(), staff = New(), stream = New();
        Guid cheque = New(), next = New(), other = New(), idea = New(), released = New(), late = New();
        Guid a = New(), b = New(), d = New(), e = New();

        // A pledge before the page, so the page's pledge of the same household adds to a row already there.
        await AppendAsync(app, stream, Proposed(idea, program, cheque, a, t), new PledgeReceived(idea, other, b, 40, t));
        object[] page =
        [
            new ChequeIssued(cheque, program, a, "Tuinstraat", "BU1", 750, t),
            new ChequeIssued(other, program, b, "Tuinstraat", "BU1", 750, t),
            new ChequeActivated(cheque, t.AddMinutes(1)),
            new CreditPledged(cheque, idea, 100, t), new CreditPledged(cheque, idea, 50, t),
            new CreditReleased(cheque, idea, 50, ReleaseReason.Withdrawn, t),
            new ChequeBlocked(cheque, "kwijt", staff, t),
            new ChequeReissued(cheque, next, 650, staff, t),
            new ChequeIssued(next, program, a, "Tuinstraat", "BU1", 650, t, cheque),
            new ChequeActivated(next, t.AddMinutes(2)),
            new ChequeBlocked(other, "eerst", staff, t), new ChequeActivated(other, t.AddMinutes(3)),
            new CreditForwarded(other, next, 25, t), new ForwardedCreditReceived(next, other, 25, t),
            new IdeaApproved(idea, staff, t),
            new PledgeReceived(idea, cheque, a, 100, t), new PledgeReceived(idea, other, a, 200, t),
            new PledgeReceived(idea, other, b, 100, t),
            new PledgeWithdrawn(idea, a, other, 300, t),
            new PledgeReceived(idea, next, a, 300, t),
            new PledgeReceived(idea, next, e, 70, t), new PledgeWithdrawn(idea, e, next, 70, t),
            new IdeaFunded(idea, 400, 400, 0, 2, t),
            Proposed(released, program, cheque, a, t),
            new PledgeReceived(released, other, d, 100, t), new PledgeReceived(released, other, b, 30, t),
            new PledgesReleased(released, ReleaseReason.Expired, [new(other, d, 100), new(other, b, 30)], [], 130, 0, t),
            new PledgeReceived(released, other, d, 50, t),
            // A pledge ahead of its idea's proposal: the proposal's row starts from zero, as it did event by event.
            new PledgeReceived(late, other, d, 10, t), Proposed(late, program, cheque, a, t),
            // Cheques of other households, so the page is long enough to be folded (a command's few events are not).
            .. Enumerable.Range(0, ReadModel.FoldFrom).Select(_ => new ChequeIssued(New(), program, New(), "Dorpsstraat", "BU1", 750, t)),
        ];
        Assert.True(page.Length >= ReadModel.FoldFrom);
        await AppendAsync(app, stream, page);
        List<string> folded;
        await using (var conn = await app.Store.DataSource.OpenConnectionAsync())
            folded = await RowsAsync(conn, null, cheque, next, other, idea, released, late);

        // state | available | blocked_reason | replaced_by | activated_at set
        Assert.Equal([$"Reissued|0|kwijt|{next}|t", "Activated|675|null|null|t", "Activated|725|eerst|null|t"],
            folded.Where(r => r.StartsWith("cheque ")).Select(r => r["cheque ".Length..]));
        Assert.Contains(folded, r => r.StartsWith("idea ") && r.Contains($"{idea},") && r.Contains(",400,440,0,2,"));
        Assert.Contains(folded, r => r.StartsWith("idea ") && r.Contains($"{released},") && r.Contains(",400,150,0,1,"));
        Assert.Contains(folded, r => r.StartsWith("idea ") && r.Contains($"{late},") && r.Contains(",400,0,0,0,"));
        Assert.Contains(folded, r => r.EndsWith($"({idea},{a},{next},300,f)"));
        Assert.Contains(folded, r => r.EndsWith($"({idea},{b},{other},140,f)"));
        Assert.DoesNotContain(folded, r => r.Contains(e.ToString()));
        Assert.Contains(folded, r => r.EndsWith($"({released},{d},{other},150,f)"));
        Assert.Contains(folded, r => r.EndsWith($"({released},{b},{other},30,t)"));
        Assert.Equal(await OneByOneAsync(app, stream, cheque, next, other, idea, released, late), folded);
    }

    private static Guid New() => Guid.CreateVersion7();

    private static IdeaProposed Proposed(Guid idea, Guid program, Guid cheque, Guid household, DateTimeOffset t) =>
        new(idea, program, "Straatfeest", "Met soep.", Scope.ForBuurt("BU1"), 400, t.AddDays(14), cheque, household, t);

    private static async Task AppendAsync(DomainApp app, Guid stream, params object[] events)
    {
        await using var session = app.Store.Marten.LightweightSession();
        session.Events.Append(stream, events);
        await session.SaveChangesAsync();
    }

    /// <summary>The same rows after deleting them and projecting the stream's events one per call (rolled back after).</summary>
    private static async Task<List<string>> OneByOneAsync(DomainApp app, Guid stream, params Guid[] ids)
    {
        await using var conn = await app.Store.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var sql in new[] { "delete from rm_cheques where id = any($1)", "delete from rm_ideas where id = any($1)",
                     "delete from rm_pledges where idea_id = any($1)" })
        {
            await using var delete = new NpgsqlCommand(sql, conn, tx);
            delete.Parameters.Add(new NpgsqlParameter { Value = ids });
            await delete.ExecuteNonQueryAsync();
        }
        IReadOnlyList<IEvent> events;
        await using (var read = app.Store.Marten.LightweightSession(SessionOptions.ForTransaction(tx)))
            events = await read.Events.FetchStreamAsync(stream);
        foreach (var one in events)
        {
            await using var session = app.Store.Marten.LightweightSession(SessionOptions.ForTransaction(tx));
            foreach (var model in app.Store.ReadModels) await model.ApplyAsync(session, [one], default);
            await session.SaveChangesAsync();
        }
        var rows = await RowsAsync(conn, tx, ids);
        await tx.RollbackAsync();
        return rows;
    }

    private static async Task<List<string>> RowsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, params Guid[] ids)
    {
        var rows = new List<string>();
        await using var cmd = new NpgsqlCommand("""
            select 'cheque', array_position($1, id), concat_ws('|', state, available_cents, coalesce(blocked_reason, 'null'),
                       coalesce(replaced_by_cheque_id::text, 'null'), activated_at is not null) from rm_cheques where id = any($1)
            union all select 'rm_cheques', array_position($1, id), c::text from rm_cheques c where id = any($1)
            union all select 'idea', array_position($1, id), i::text from rm_ideas i where id = any($1)
            union all select 'rm_pledges', array_position($1, idea_id), p::text from rm_pledges p where idea_id = any($1)
            order by 1, 2, 3
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0) + " " + reader.GetString(2));
        return rows;
    }
}
