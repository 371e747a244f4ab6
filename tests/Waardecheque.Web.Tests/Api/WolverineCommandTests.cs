using Waardecheque.Handlers;
using System.Net;
using System.Text;
using JasperFx;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.Web.Tests.Support;
using Wolverine.Runtime;

namespace Waardecheque.Web.Tests.Api;

public sealed class HotIdeaWorld() : OneStreetWorld(Households)
{
    public new const int Households = 200;
}

/// <summary>
/// Commands run through Wolverine (issue 9 step B): every command of the domain has a Wolverine handler, a version clash
/// is retried by Wolverine's error policy also for InvokeAsync, and a hot idea (200 households at once, trap 5) on two app processes takes every pledge.
/// </summary>
[Collection(HotRaces.Name)]
public sealed class WolverineCommandTests(HotIdeaWorld w) : IClassFixture<HotIdeaWorld>
{
    [Fact]
    public void every_command_the_endpoints_send_has_a_wolverine_handler()
    {
        var handlers = ((WolverineRuntime)w.App.Services.GetRequiredService<IWolverineRuntime>()).Handlers;
        // Every pure rule of the domain (a static Events Handle(TCommand, ...)), found here by scanning so that a new rule
        // without its line in DomainCommandHandler fails this test. IssueCheques runs through the bulk path instead.
        var commands = typeof(Waardecheque.Domain.Events).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(m => m.Name == "Handle" && m.ReturnType == typeof(Waardecheque.Domain.Events))
            .Select(m => m.GetParameters()[0].ParameterType)
            .Where(t => t.Name != "IssueCheques").ToList();
        Assert.True(commands.Count >= 25);
        Assert.All(commands, t => Assert.True(handlers.CanHandle(t), $"{t.Name} has no Wolverine handler"));
    }

    [Fact]
    public void a_clash_and_its_kin_are_what_wolverine_retries()
    {
        Assert.NotNull(Clashes.AsClash(new ConcurrencyException(typeof(Idea), Guid.NewGuid())));
        Assert.NotNull(Clashes.AsClash(new InvalidOperationException("wrapped", new PostgresException("x", "ERROR", "ERROR", "40P01"))));
        Assert.Null(Clashes.AsClash(new InvalidOperationException("a bug")));
        Assert.True(HandlerSetup.ClashCooldowns.Length >= 10);
    }

    [Fact]
    public async Task two_hundred_households_pledge_on_one_idea_at_once_over_two_processes_and_every_pledge_lands()
    {
        var tokens = new List<string>();
        for (var n = 1; n <= HotIdeaWorld.Households; n++) tokens.Add(await w.ResidentAsync(w.ProgramId, "Rozentuin", n));
        var idea = await w.OpenIdeaAsync(tokens[0], ApiWorld.Street("Rozentuin"), 100_000);

        await using var second = w.SecondProcess();
        var secondClient = second.CreateClient();
        var responses = await Task.WhenAll(tokens.Select((token, i) => Task.Run(async () =>
        {
            if (i % 2 == 0) return await w.PledgeAsync(idea, token, 100);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ideas/{idea}/pledges")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { amountCents = 100 }),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return await secondClient.SendAsync(request);
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var after = await w.GetJsonAsync($"/api/v1/ideas/{idea}");
        Assert.Equal(100L * HotIdeaWorld.Households, after.GetProperty("pledgedCents").GetInt64());
    }

    [Fact]
    public async Task an_idea_expires_at_its_deadline_with_no_request_though_the_process_that_scheduled_it_stopped()
    {
        var initiator = await w.ResidentAsync(w.ProgramId, "Rozentuin", HotIdeaWorld.Households);
        var idea = await w.ProposeAsync(initiator, "Kort idee", ApiWorld.Street("Rozentuin"), 50_000, DateTimeOffset.UtcNow.AddSeconds(4));

        // Approved (which schedules the deadline) on a second app process, which then stops before the deadline.
        await using (var second = w.SecondProcess())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ideas/{idea}/approve");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", w.Moderator);
            Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().SendAsync(request)).StatusCode);
        }
        Assert.Equal("open", (await w.GetJsonAsync($"/api/v1/ideas/{idea}", initiator)).GetProperty("state").GetString());
        // The deadline waits as a durable scheduled envelope of Wolverine's under its stable name, not in wc_outbox.
        await using (var db = NpgsqlDataSource.Create(w.App.ConnectionString))
        {
            await using var cmd = db.CreateCommand(
                "select count(*) from wolverine_incoming_envelopes where status = 'Scheduled' and message_type = 'expire_idea'");
            Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 1);
            // No table of our own holds it: this version never creates the old outbox table.
            await using var old = db.CreateCommand("select to_regclass('waardecheque.wc_outbox') is null");
            Assert.True((bool)(await old.ExecuteScalarAsync())!);
        }

        var state = "";
        for (var i = 0; i < 120 && state != "expired"; i++)
        {
            await Task.Delay(250);
            state = (await w.GetJsonAsync($"/api/v1/ideas/{idea}", initiator)).GetProperty("state").GetString()!;
        }
        Assert.Equal("expired", state);
    }
}
