using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Web.Demo;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api;

public sealed class DemoWorld : ApiWorld
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [WebConfig.Demo] = "true" };
    public DemoSummary Summary { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Summary = (await App.Services.GetRequiredService<DemoSeed>().Completed.Task.WaitAsync(TimeSpan.FromSeconds(90)))!;
    }
}

/// <summary>Waardecheque:Demo=true fills an empty database with "Seghwaert Doet 2026", once.</summary>
public sealed class DemoSeedTests(DemoWorld w) : IClassFixture<DemoWorld>
{
    [Fact]
    public async Task the_demo_has_a_program_with_ideas_in_every_stage_and_books_that_reconcile()
    {
        Assert.True(w.Summary.SeededNow);
        var program = await w.GetJsonAsync($"/api/v1/programs/{w.Summary.ProgramId}", w.Admin);
        Assert.Equal("Seghwaert Doet 2026", program.GetProperty("name").GetString());
        Assert.Equal("GM0637", program.GetProperty("municipalityCode").GetString());
        Assert.Equal("open", program.GetProperty("state").GetString());
        Assert.Equal(["Tuinen", "Vaarten", "Weiden"], program.GetProperty("buurten").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.InRange(program.GetProperty("households").GetInt32(), 300, 400);
        Assert.Equal(program.GetProperty("households").GetInt32(), program.GetProperty("cheques").GetInt32());

        var ideas = await w.GetJsonAsync($"/api/v1/programs/{w.Summary.ProgramId}/ideas", w.Moderator);
        var states = ideas.EnumerateArray().Select(i => i.GetProperty("state").GetString()).Order().ToList();
        Assert.Equal(["funded", "funded", "open", "submitted"], states);
        var planters = ideas.EnumerateArray().Single(i => i.GetProperty("title").GetString() == "Bloembakken Klaverweide").GetProperty("id").GetGuid();
        var expenses = (await w.GetJsonAsync($"/api/v1/ideas/{planters}", w.Moderator)).GetProperty("expenses").EnumerateArray()
            .Select(e => e.GetProperty("state").GetString()).Order().ToList();
        Assert.Equal(["paid", "submitted"], expenses);

        var audit = await w.GetJsonAsync($"/api/v1/programs/{w.Summary.ProgramId}/audit", w.Auditor);
        Assert.True(audit.GetProperty("reconciles").GetBoolean());
        Assert.Equal(1850, audit.GetProperty("spentCents").GetInt64());
        Assert.Equal(2250 + 3000, audit.GetProperty("committedCents").GetInt64());
        Assert.Equal(1250, audit.GetProperty("pledgedOpenCents").GetInt64());
    }

    [Fact]
    public async Task the_banner_says_how_to_top_up_an_open_idea_in_the_sandbox()
    {
        var help = string.Join("\n", DemoSeed.TopUpHelp(w.Summary));
        Assert.Contains("NO real money moves", help);
        Assert.Contains(w.Summary.Cheques[0].Url, help);
        Assert.Contains("\"Zelf geld bijleggen\"", help);
        Assert.Contains("\"Verder naar betalen\"", help);
        Assert.Contains($"{w.Summary.BaseUrl}/stripe-sandbox/checkout/", help);
        Assert.Contains("\"Betaal € 5,00 met iDEAL\"", help);
        // The idea it names is open, in the street of the first printed letter, and takes € 5 (P6, P7).
        var ideas = await w.GetJsonAsync($"/api/v1/programs/{w.Summary.ProgramId}/ideas", w.Moderator);
        var idea = ideas.EnumerateArray().Single(i => i.GetProperty("title").GetString() == DemoSeed.TopUpIdeaTitle);
        Assert.Equal("open", idea.GetProperty("state").GetString());
        Assert.StartsWith("Rozentuin", w.Summary.Cheques[0].Address);
        Assert.True(idea.GetProperty("targetCents").GetInt64() - idea.GetProperty("pledgedCents").GetInt64() - 500 >= 100);
    }

    [Fact]
    public async Task the_printed_staff_and_resident_logins_work()
    {
        Assert.Equal(5, w.Summary.Cheques.Count);
        foreach (var cheque in w.Summary.Cheques)
        {
            Assert.Equal(Waardecheque.Web.Features.Issuing.Printing.ChequeUrls.For("https://waardecheque.zoetermeer.example", cheque.Code), cheque.Url);
            var session = await w.PostJsonAsync("/api/v1/resident/sessions", null, new { code = cheque.Code });
            Assert.Equal(cheque.Address.Split(' ')[0], session.GetProperty("cheque").GetProperty("household").GetProperty("street").GetString());
        }
        Assert.Equal("moderator", (await w.PostJsonAsync("/api/v1/staff/sessions", null,
            new { email = DemoSeed.ModeratorEmail, password = DemoSeed.ModeratorPassword })).GetProperty("role").GetString());
        Assert.Equal("auditor", (await w.PostJsonAsync("/api/v1/staff/sessions", null,
            new { email = DemoSeed.AuditorEmail, password = DemoSeed.AuditorPassword })).GetProperty("role").GetString());
    }

    [Fact]
    public async Task a_second_start_on_the_same_database_seeds_nothing_again()
    {
        var settings = new Dictionary<string, string?>
        {
            [WebConfig.CodeKey] = ApiWorld.CodeKey,
            [WebConfig.Demo] = "true",
        };
        await using var again = new TestApp(w.App.ConnectionString, settings);
        _ = again.Server;

        var summary = await again.Services.GetRequiredService<DemoSeed>().Completed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(summary!.SeededNow);
        Assert.Equal(w.Summary.ProgramId, summary.ProgramId);
        Assert.Equal(w.Summary.Cheques.Select(c => c.Code), summary.Cheques.Select(c => c.Code));
        var programs = await w.GetJsonAsync("/api/v1/programs", w.Admin);
        Assert.Single(programs.EnumerateArray());
    }
}
