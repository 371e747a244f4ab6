using System.Net;
using Waardecheque.Domain.Cheques;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Residents;

public sealed class TypoIsNoGuessWorld : ApiWorld
{
    // A low limit, so the test can show which attempts count.
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [WebConfig.CodeAttemptLimit] = "3" };
}

/// <summary>DOMAIN.md, "Cheque": a typo caught by the check character is answered before any lookup and never counts as a guess.</summary>
public sealed class TypoIsNoGuessTests(TypoIsNoGuessWorld w) : IClassFixture<TypoIsNoGuessWorld>
{
    [Fact]
    public async Task mistyped_codes_are_invalid_code_and_do_not_use_up_the_attempts_that_unknown_codes_do()
    {
        var unknown = ChequeCode.FromValue(123_456_789).ToString();
        var typo = unknown[..^1] + (unknown[^1] == 'A' ? 'B' : 'A');

        for (var i = 0; i < 5; i++)
            await (await w.PostAsync("/api/v1/resident/sessions", null, new { code = typo })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_code");
        for (var i = 0; i < 3; i++)
            await (await w.PostAsync("/api/v1/resident/sessions", null, new { code = unknown })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        await (await w.PostAsync("/api/v1/resident/sessions", null, new { code = unknown })).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }
}
