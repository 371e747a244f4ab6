using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serilog.Events;
using Waardecheque.ReadModels;
using Waardecheque.Testing;
using Waardecheque.Web.Composition;
using Waardecheque.Web.Database;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

/// <summary>
/// A database written by a version before Wolverine still holds its outbox table: its rows become Wolverine's
/// scheduled envelopes once, at start, and the table goes when nothing is left in it (OldOutboxMove).
/// </summary>
public sealed class OldOutboxMoveTests
{
    [Fact]
    public async Task old_outbox_rows_become_scheduled_envelopes_at_start_once_and_the_emptied_table_is_dropped()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("oldoutbox");
        await using (TestApp.StartOn(connectionString)) { }   // this version's schema
        await using var db = WaardechequeStore.DataSourceFor(connectionString, "waardecheque");
        await ExecuteAsync(db, OldStoreShape.OutboxTableSql);
        var (idea, program) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // As the old version wrote them: a deadline under its stable name, a close under the .NET type name that rows
        // had before stable names, a message the old worker had given up on (parked), and one nobody knows.
        await ExecuteAsync(db, $$"""
            insert into wc_outbox (id, message_type, body, due_at, actor, correlation_id) values
              (gen_random_uuid(), 'expire_idea', '{"ideaId": "{{idea}}"}', '2031-05-01T10:00:00Z', 'staff:moderator', 'req-1'),
              (gen_random_uuid(), 'CloseProgram', '{"programId": "{{program}}"}', '2031-06-01T10:00:00Z', 'staff:municipality', null),
              (gen_random_uuid(), 'forward_released_credit', '{"chequeId": "{{Guid.CreateVersion7()}}"}', 'infinity', 'system:outbox', null),
              (gen_random_uuid(), 'NoSuchMessage', '{}', now(), 'system:test', null)
            """);

        // Two processes start at once: one moves, the other waits for it and finds nothing left.
        var apps = await Task.WhenAll(Task.Run(() => TestApp.StartOn(connectionString)), Task.Run(() => TestApp.StartOn(connectionString)));
        try
        {
            Assert.Equal(2, apps.Sum(Moved));
            Assert.Equal(1L, await ScalarAsync<long>(db, """
                select count(*) from wolverine_incoming_envelopes
                where status = 'Scheduled' and message_type = 'expire_idea' and execution_time = '2031-05-01T10:00:00Z'
                """));
            Assert.Equal(1L, await ScalarAsync<long>(db, """
                select count(*) from wolverine_incoming_envelopes
                where status = 'Scheduled' and message_type = 'close_program' and execution_time = '2031-06-01T10:00:00Z'
                """));
            // What cannot be moved stays, parked, for a person; so does the table, and the app says so at each start.
            Assert.Equal(2L, await ScalarAsync<long>(db, "select count(*) from wc_outbox where due_at = 'infinity'"));
            Assert.Equal("unknown message type", await ScalarAsync<string>(db, "select last_error from wc_outbox where message_type = 'NoSuchMessage'"));
            Assert.Contains(apps.SelectMany(a => a.Log.Events), e => e.Level == LogEventLevel.Warning && e.RenderMessage().Contains("parked"));
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }

        // Once a person has dealt with them, the next start drops the empty table; later starts find none.
        await ExecuteAsync(db, "delete from wc_outbox");
        await using (var again = TestApp.StartOn(connectionString)) Assert.Equal(0, Moved(again));
        Assert.True(await ScalarAsync<bool>(db, "select to_regclass('wc_outbox') is null"));
        await using (TestApp.StartOn(connectionString)) { }
        Assert.Equal(2L, await ScalarAsync<long>(db, "select count(*) from wolverine_incoming_envelopes where status = 'Scheduled'"));
    }

    private static int Moved(TestApp app) => app.Services.GetServices<IStartupTask>().OfType<OldOutboxMove>().Single().Moved;

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? default! : (T)value!;
    }
}
