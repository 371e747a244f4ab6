using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using Waardecheque.Domain;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Pledging;

public sealed class ClosingWorld() : OneStreetWorld(Households)
{
    public new const int Households = 80;
}

/// <summary>
/// The program's close while residents pledge, through Wolverine on two app processes (the Messaging race test's
/// meaning over HTTP): a pledge re-checks the program it only read in its own transaction, so none lands after the
/// close, every landed one is in the log once, and nobody gets a 500 or a conflict.
/// </summary>
[Collection(HotRaces.Name)]
public sealed class WolverineCloseRaceTests(ClosingWorld w) : IClassFixture<ClosingWorld>
{
    [Fact]
    public async Task closing_the_program_while_residents_pledge_over_two_processes_lets_no_pledge_in_after_the_close()
    {
        var tokens = new List<string>();
        for (var n = 1; n <= ClosingWorld.Households; n++) tokens.Add(await w.ResidentAsync(w.ProgramId, "Rozentuin", n));
        var ideas = new[]
        {
            await w.OpenIdeaAsync(tokens[0], ApiWorld.Street("Rozentuin"), 100_000),
            await w.OpenIdeaAsync(tokens[1], ApiWorld.Street("Rozentuin"), 100_000),
        };
        await using var second = w.SecondProcess();
        var secondClient = second.CreateClient();
        Task<HttpResponseMessage> Send(HttpClient client, string url, string token, object? body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return client.SendAsync(request);
        }

        var landed = 0;
        var enoughLanded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pledges = tokens.Select((token, i) => Task.Run(async () =>
        {
            await go.Task;
            var response = await Send(i % 2 == 0 ? w.Client : secondClient, $"/api/v1/ideas/{ideas[i % 2]}/pledges", token, new { amountCents = 100 });
            if (response.StatusCode == HttpStatusCode.Created && Interlocked.Increment(ref landed) == 15) enoughLanded.TrySetResult();
            return response;
        })).ToList();
        var close = Task.Run(async () =>
        {
            await enoughLanded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return await Send(secondClient, $"/api/v1/programs/{w.ProgramId}/close", w.Admin, null);
        });
        go.SetResult();
        var responses = await Task.WhenAll(pledges);
        Assert.Equal(HttpStatusCode.OK, (await close).StatusCode);

        var codes = new List<string>();
        foreach (var r in responses)
        {
            if (r.StatusCode == HttpStatusCode.Created) { codes.Add("ok"); continue; }
            using var problem = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
            codes.Add(problem.RootElement.GetProperty("code").GetString()!);
        }
        Assert.All(codes, c => Assert.Contains(c, new[] { "ok", ErrorCodes.ChequeNotUsable, ErrorCodes.IdeaNotOpen }));
        Assert.Contains(codes, c => c != "ok");   // the close did fall in the middle

        // Every landed pledge is in the log before the close; nothing pledged after it.
        await using var db = NpgsqlDataSource.Create(w.App.ConnectionString);
        var log = new List<(long Seq, string Type)>();
        await using (var cmd = db.CreateCommand(
            "select seq_id, type from mt_events where type in ('program_closed', 'credit_pledged', 'pledge_received') order by seq_id"))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) log.Add((reader.GetInt64(0), reader.GetString(1)));
        var closedAt = Assert.Single(log, e => e.Type == "program_closed").Seq;
        Assert.DoesNotContain(log, e => e.Type is "credit_pledged" or "pledge_received" && e.Seq > closedAt);
        Assert.Equal(codes.Count(c => c == "ok"), log.Count(e => e.Type == "credit_pledged"));
        Assert.Equal(codes.Count(c => c == "ok"), log.Count(e => e.Type == "pledge_received"));
    }
}
