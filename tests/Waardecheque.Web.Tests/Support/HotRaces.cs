using System.Text;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Store;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Support;

/// <summary>
/// Races of hundreds of requests over two app processes run on their own, after the parallel test classes: with the
/// rest of the suite beside them, the connections of every app in the run add up past what PostgreSQL allows, and a
/// refused connection is a (clean) 503 rather than the race the test is about.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HotRaces
{
    public const string Name = "hot races over two processes";
}

/// <summary>
/// An open program whose <c>households</c> all live on one street (so every household may pledge to one street idea),
/// cheques issued, and a second app process on the same database on request, as behind a load balancer.
/// </summary>
public abstract class OneStreetWorld(int households) : ApiWorld
{
    public int Households => households;
    public Guid ProgramId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await CreateProgramAsync();
        var csv = new StringBuilder("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n");
        for (var n = 1; n <= households; n++) csv.Append($"2716 BA,{n},,,Rozentuin,{Tuinen}\n");
        await OkJsonAsync(await ImportAsync(ProgramId, csv.ToString()));
        await PostJsonAsync($"/api/v1/programs/{ProgramId}/open", Admin);
        await PostJsonAsync($"/api/v1/programs/{ProgramId}/cheques/issue", Admin);
    }

    public TestApp SecondProcess() => TestApp.StartOn(App.ConnectionString, new Dictionary<string, string?> { [WebConfig.CodeKey] = CodeKey });
}
