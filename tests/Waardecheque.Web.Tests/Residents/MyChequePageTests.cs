using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Residents;

public sealed class MyChequePageWorld : ApiWorld
{
    public NpgsqlDataSource Db => App.Services.GetRequiredService<StoreHolder>().Store.DataSource;

    /// <summary>Proposed with its own title and approved, so the page's HTML can be searched for it.</summary>
    public async Task<Guid> OpenIdeaAsync(string residentToken, string title, object scope)
    {
        var id = await ProposeAsync(residentToken, title, scope, 1000);
        await PostJsonAsync($"/api/v1/ideas/{id}/approve", Moderator);
        return id;
    }
}

/// <summary>
/// <c>/mijn-cheque</c> reads its cheque, pledges and ideas in one batch (MyChequeQuery.ReadAsync): it must show
/// exactly what the separate reads of the other resident pages show, and nothing of other streets, buurten or households.
/// </summary>
public sealed class MyChequePageTests(MyChequePageWorld w) : IClassFixture<MyChequePageWorld>
{
    [Fact]
    public async Task the_batched_page_shows_my_cheque_my_pledges_and_only_the_ideas_my_household_may_see()
    {
        var program = await w.OpenProgramAsync();
        var me = await w.ResidentAsync(program, "Rozentuin", 1);
        var sameStreet = await w.ResidentAsync(program, "Rozentuin", 2);
        var otherStreet = await w.ResidentAsync(program, "Kruidentuin", 1);
        var otherBuurt = await w.ResidentAsync(program, "Noordvaart", 1);

        var buurtIdea = await w.OpenIdeaAsync(otherStreet, "Bloembakken voor de buurt", ApiWorld.Buurt(ApiWorld.Tuinen));
        var myStreetIdea = await w.OpenIdeaAsync(sameStreet, "Bankje in de Rozentuin", ApiWorld.Street("Rozentuin"));
        await w.OpenIdeaAsync(otherStreet, "Speeltoestel in de Kruidentuin", ApiWorld.Street("Kruidentuin"));
        await w.OpenIdeaAsync(otherBuurt, "Steiger aan de Noordvaart", ApiWorld.Buurt(ApiWorld.Vaarten));
        var mySubmitted = await w.ProposeAsync(me, "Mijn eigen voorstel", ApiWorld.Buurt(ApiWorld.Tuinen), 1000);
        await w.ProposeAsync(sameStreet, "Voorstel van de buren", ApiWorld.Buurt(ApiWorld.Tuinen), 1000);
        Assert.Equal(HttpStatusCode.Created, (await w.PledgeAsync(buurtIdea, me, 200)).StatusCode);

        var mine = ApiWorld.ChequeOf(program, "Rozentuin", 1);
        var page = await MyChequeQuery.ReadAsync(w.Db, mine, CancellationToken.None);

        Assert.NotNull(page);
        Assert.Equal(mine, page.Cheque.Id);
        Assert.Equal(550, page.Cheque.AvailableCents);
        Assert.Equal([buurtIdea], page.Pledges.Select(p => p.IdeaId));
        Assert.Equal(new[] { buurtIdea, myStreetIdea, mySubmitted }.Order(), page.Ideas.Select(i => i.Id).Order());

        // The same as the one-by-one reads the other resident pages (and the walk-in page) make.
        var read = await ChequeQueries.WithProgramAsync(w.Db, mine, CancellationToken.None);
        Assert.NotNull(read);
        var (cheque, chequeProgram) = read;
        Assert.Equal((cheque.EffectiveState, cheque.AvailableCents, cheque.Street, chequeProgram.BuurtName(cheque.BuurtCode), chequeProgram.Id),
            (page.Cheque.EffectiveState, page.Cheque.AvailableCents, page.Cheque.Street, page.Program.BuurtName(page.Cheque.BuurtCode), page.Program.Id));
        Assert.Equal(await ChequeQueries.PledgesOfChequeAsync(w.Db, mine, CancellationToken.None), page.Pledges);
        Assert.Equal(await IdeaQueries.VisibleToChequeAsync(w.Db, cheque, CancellationToken.None), page.Ideas);

        Assert.Null(await MyChequeQuery.ReadAsync(w.Db, Guid.NewGuid(), CancellationToken.None));

        // And the page itself, behind the resident cookie (the same session as the API's token).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mijn-cheque");
        request.Headers.Add("Cookie", $"{PageAuth.ResidentCookie}={me}");
        using var response = await w.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        foreach (var shown in new[] { "Bloembakken voor de buurt", "Bankje in de Rozentuin", "Mijn eigen voorstel" })
            Assert.Contains(shown, html);
        foreach (var hidden in new[] { "Speeltoestel in de Kruidentuin", "Steiger aan de Noordvaart", "Voorstel van de buren" })
            Assert.DoesNotContain(hidden, html);
    }
}
