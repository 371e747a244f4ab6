using System.Net;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.TopUps;

public sealed class DemoTopUpWorld : TopUpWorld
{
    protected override bool Demo => true;
}

/// <summary>The demo (infra/run-demo.sh) on one machine: the banner's idea can be topped up in the built-in sandbox, end to end.</summary>
public sealed class DemoTopUpTests(DemoTopUpWorld w) : IClassFixture<DemoTopUpWorld>
{
    [Fact]
    public async Task a_resident_tops_up_the_banners_idea_in_the_demo_and_sees_it_counted()
    {
        var summary = w.DemoSummary!;
        Assert.True(summary.StripeSandbox);
        var (ideaId, _) = summary.TopUpIdea ?? throw new Xunit.Sdk.XunitException("the demo has no open idea to top up");
        var token = (await w.PostJsonAsync("/api/v1/resident/sessions", null, new { code = summary.Cheques[^1].Code }))
            .GetProperty("token").GetString()!;
        var before = (await w.IdeaAsync(ideaId)).GetProperty("toppedUpCents").GetInt64();

        var (topUp, checkout) = await w.StartedAsync(ideaId, token, 500, Guid.NewGuid().ToString());
        await w.PayAsync(checkout);

        await w.WaitForAsync(topUp, "paid");
        Assert.Equal(before + 500, (await w.IdeaAsync(ideaId)).GetProperty("toppedUpCents").GetInt64());
        var audit = await w.GetJsonAsync($"/api/v1/programs/{summary.ProgramId}/audit", w.Auditor);
        Assert.True(audit.GetProperty("reconciles").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await w.GetAsync($"/api/v1/topups/{topUp}", token)).StatusCode);
    }
}
