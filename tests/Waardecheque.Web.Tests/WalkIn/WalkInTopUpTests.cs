using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Payments;
using Waardecheque.Payments.Sandbox;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.WalkIn;

/// <summary>
/// Two programs with the built-in Stripe sandbox reached in memory (no webhook is delivered: a paid top-up is recorded
/// as the webhook would, through the domain's command): one that takes top-ups, one that does not.
/// </summary>
public sealed class WalkInTopUpWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }
    public Guid NoTopUpsProgramId { get; private set; }
    public Guid NoTopUpsIdea { get; private set; }
    public TopUpService TopUps => App.Services.GetRequiredService<TopUpService>();
    public SandboxChaos Chaos => App.Services.GetRequiredService<StripeSandbox>().Chaos;

    protected override Action<IServiceCollection>? Services => InMemoryStripe.Use;

    // Stripe trouble is tried twice, quickly: a test that makes Stripe fail knows how many answers to spoil.
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [PaymentsConfig.RetryTries] = "2", [PaymentsConfig.RetryFirstDelayMs] = "5", [PaymentsConfig.RetryMaxDelayMs] = "40",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
        NoTopUpsProgramId = await OpenProgramAsync(new
            { minHouseholdsPerIdea = 3, minPledgeCents = 100, maxIdeaTargetCents = 150000, moderation = true, topUps = false, maxTopUpCents = 25000 });
        NoTopUpsIdea = await ProposeAsync(await ResidentAsync(NoTopUpsProgramId, "Rozentuin", 1), "Schommel zonder inleg", Street("Rozentuin"), 5000);
        await PostJsonAsync($"/api/v1/ideas/{NoTopUpsIdea}/approve", Moderator);
    }

    /// <summary>An open idea for the Rozentuin with its own title, proposed by Rozentuin 1.</summary>
    public async Task<Guid> IdeaAsync(string title, long targetCents = 20000)
    {
        var id = await ProposeAsync(await ResidentAsync(ProgramId, "Rozentuin", 1), title, Street("Rozentuin"), targetCents);
        await PostJsonAsync($"/api/v1/ideas/{id}/approve", Moderator);
        return id;
    }

    /// <summary>Rozentuin <paramref name="number"/> signs in once with its letter, which activates its cheque.</summary>
    public Task ActivatedAsync(int number, Guid? program = null) => ResidentAsync(program ?? ProgramId, "Rozentuin", number);

    public Guid HouseholdOf(int number) => Household.IdFor(ProgramId, Household.AddressKeyOf("2716 BA", number, null, null));

    /// <summary>The connector's browser, signed in through the staff sign-in page.</summary>
    public Task<PageClient> ConnectorAsync() => PageClient.SignInAsync(App, "verbinder@zoetermeer.example", "een lang demowachtwoord");

    /// <summary>A resident's browser: signed in through the QR link (which sets the resident cookie).</summary>
    public async Task<PageClient> ResidentBrowserAsync(int number)
    {
        var browser = PageClient.Anonymous(App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/c/{CodeFor(ProgramId, "Rozentuin", number)}")).StatusCode);
        return browser;
    }
}

/// <summary>
/// "Eigen geld bijleggen namens de bewoner" on the walk-in page (<c>/beheer/inloop</c>) and its return page
/// (<c>/beheer/inloop/inleg/{id}</c>), over HTTP as a browser without JavaScript uses them: the connector finds the
/// resident's cheque, starts the top-up, and the resident pays on the sandbox's checkout page at the desk.
/// </summary>
public sealed partial class WalkInTopUpTests(WalkInTopUpWorld w) : IClassFixture<WalkInTopUpWorld>
{
    [Fact]
    public async Task a_connector_starts_a_top_up_the_resident_pays_at_the_desk_and_the_staff_return_page_says_paid()
    {
        var idea = await w.IdeaAsync("Picknicktafel bij de speeltuin", targetCents: 3000);
        await w.ActivatedAsync(2);
        var desk = await w.ConnectorAsync();

        var found = await FindAsync(desk, 2);
        Assert.Contains("<h2 id=\"topup-title\">Eigen geld bijleggen namens de bewoner</h2>", found.Html);
        Assert.Contains("met iDEAL of een betaalkaart", found.Html);
        Assert.Contains("Jij neemt nooit geld aan.", found.Html);
        Assert.Contains($"<option value=\"{idea}\">Picknicktafel bij de speeltuin (heeft nog € 30,00 nodig)</option>", found.TopUpForm);
        // Browsers check form-action against the 303 too: the walk-in page names the checkout's origin, as the idea page does.
        Assert.Contains("form-action 'self' https://waardecheque.zoetermeer.example;", found.Csp);

        var started = await PostTopUpAsync(desk, found, 2, idea, "5");

        Assert.Equal(HttpStatusCode.SeeOther, started.StatusCode);
        var checkout = started.Headers.Location!;
        Assert.Matches("^https://waardecheque.zoetermeer.example/stripe-sandbox/checkout/cs_", checkout.ToString());
        var topUp = Assert.Single(await w.TopUps.OfIdeaAsync(idea));
        Assert.Equal((500L, TopUpStates.Pending), (topUp.AmountCents, topUp.State));
        Assert.Equal(w.HouseholdOf(2), topUp.HouseholdId);
        Assert.Equal(ApiWorld.ChequeOf(w.ProgramId, "Rozentuin", 2), topUp.ChequeId);

        // The domain records an on-behalf top-up with the connector as the event's actor and the household in its data.
        var events = (await w.GetJsonAsync($"/api/v1/streams/{idea}/events", w.Auditor)).GetProperty("events").EnumerateArray();
        var startedEvent = events.Single(e => e.GetProperty("type").GetString() == "top_up_started");
        Assert.Equal($"staff:{w.ModeratorId}", startedEvent.GetProperty("actor").GetString());
        Assert.Equal(topUp.Id, startedEvent.GetProperty("data").GetProperty("topUpId").GetGuid());
        Assert.Equal(w.HouseholdOf(2), startedEvent.GetProperty("data").GetProperty("householdId").GetGuid());

        // The resident pays on the sandbox's page at the desk; Stripe sends the desk's browser to the staff return page.
        Assert.Contains("Betaal € 5,00 met iDEAL", await desk.GetHtmlAsync(checkout.PathAndQuery));
        var paid = await desk.PostPlainFormAsync(checkout.PathAndQuery + "/pay", new() { ["payment_method"] = "ideal", ["bank"] = "ING" });
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var back = paid.Headers.Location!;
        Assert.Equal($"/beheer/inloop/inleg/{topUp.Id}", back.AbsolutePath);
        Assert.Contains("uitkomst=betaald", back.Query);

        // Before the webhook: waiting, with a way to look again on this page; opening it credits nothing.
        var waiting = await desk.GetHtmlAsync(back.PathAndQuery);
        Assert.Contains("We wachten nog op de bevestiging van je bank.", waiting);
        Assert.Contains($"<a class=\"button\" href=\"/beheer/inloop/inleg/{topUp.Id}?uitkomst=betaald\" data-testid=\"refresh\">Opnieuw kijken</a>", waiting);
        Assert.Contains("<a href=\"/beheer/inloop\">Terug naar de inloop</a>", waiting);
        Assert.Equal(0, (await IdeaJsonAsync(idea)).GetProperty("toppedUpCents").GetInt64());

        // The webhook's work: now the page says it is paid, and the idea counts it.
        await w.RecordAsync(new RecordTopUpPayment(idea, topUp.Id, 500, "pi_test_" + topUp.Id.ToString("N")));
        var done = await desk.GetHtmlAsync(back.PathAndQuery);
        Assert.Contains("Gelukt: je betaling is binnen. Je € 5,00 telt mee voor dit idee.", done);
        Assert.Contains("€ 5,00 voor \"Picknicktafel bij de speeltuin\"", done);
        Assert.DoesNotContain("Opnieuw kijken", done);
        var counted = await IdeaJsonAsync(idea);
        Assert.Equal(500, counted.GetProperty("toppedUpCents").GetInt64());
        Assert.Equal(2500, counted.GetProperty("stillNeededCents").GetInt64());
        Assert.Contains("Done: your payment has arrived. Your €5.00 counts toward this idea.", await desk.GetHtmlAsync(back.PathAndQuery + "&lang=en"));
        await desk.GetHtmlAsync(back.PathAndQuery + "&lang=nl");

        // It is the household's top-up: the resident's own return page shows it too.
        var resident = await w.ResidentBrowserAsync(2);
        Assert.Contains("Gelukt: je betaling is binnen.", await resident.GetHtmlAsync($"/inleg/{topUp.Id}"));
    }

    [Fact]
    public async Task the_same_form_sent_twice_makes_one_top_up_and_both_go_to_the_same_checkout()
    {
        var idea = await w.IdeaAsync("Bloembakken in de Rozentuin");
        await w.ActivatedAsync(3);
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 3);

        var first = await PostTopUpAsync(desk, found, 3, idea, "12,50");
        var second = await PostTopUpAsync(desk, found, 3, idea, "12,50");

        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var topUp = Assert.Single(await w.TopUps.OfIdeaAsync(idea));
        Assert.Equal(1250, topUp.AmountCents);

        // A new form (a new key) for the same resident is a new top-up.
        var again = await PostTopUpAsync(desk, await FindAsync(desk, 3), 3, idea, "12,50");
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.NotEqual(first.Headers.Location, again.Headers.Location);
        Assert.Equal(2, (await w.TopUps.OfIdeaAsync(idea)).Count);
    }

    [Fact]
    public async Task an_amount_that_is_not_euros_is_refused_next_to_its_field_and_starts_nothing()
    {
        var idea = await w.IdeaAsync("Bankje bij de vijver");
        await w.ActivatedAsync(4);
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 4);

        var response = await PostTopUpAsync(desk, found, 4, idea, "twaalf euro");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains("<a href=\"#topup-amount\">Vul een bedrag in euro in, bijvoorbeeld 12,50.</a>", html);
        Assert.Contains("<span class=\"error\" id=\"topup-amount-error\">Vul een bedrag in euro in, bijvoorbeeld 12,50.</span>", html);
        Assert.Matches("id=\"topup-amount\"[^>]*value=\"twaalf euro\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"topup-amount-hint topup-amount-error\"", html);
        Assert.Contains($"name=\"topUpKey\" value=\"{found.Key}\"", html);   // the same form: a press after fixing it is still one top-up
        Assert.Contains("form-action 'self' https://waardecheque.zoetermeer.example;", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Empty(await w.TopUps.OfIdeaAsync(idea));
    }

    [Fact]
    public async Task more_than_the_program_allows_gets_the_domains_rule_on_the_walk_in_page_and_starts_nothing()
    {
        var idea = await w.IdeaAsync("Speeltoestel op het plein", targetCents: 100000);
        await w.ActivatedAsync(5);
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 5);
        Assert.Contains("Hoogstens € 250,00 per keer.", found.TopUpForm);

        var response = await PostTopUpAsync(desk, found, 5, idea, "300");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains("<a href=\"#topup-amount\">Leg tussen € 0,01 en € 250,00 in.</a>", html);
        Assert.Contains("data-testid=\"cheque-state\"", html);   // still the resident's walk-in page
        Assert.Empty(await w.TopUps.OfIdeaAsync(idea));
    }

    [Fact]
    public async Task when_stripe_cannot_be_reached_the_page_says_try_again_and_the_same_form_then_finishes_the_same_top_up()
    {
        var idea = await w.IdeaAsync("Fietsenrek bij de school");
        await w.ActivatedAsync(6);
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 6);

        w.Chaos.FailNext(500, times: 2, pathContains: "/v1/checkout/sessions");   // both tries (Retry:Tries is 2 here)
        var away = await PostTopUpAsync(desk, found, 6, idea, "4");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
        var html = await HtmlAsync(away);
        Assert.Contains("De betaaldienst is even niet bereikbaar. Er is niets betaald. Druk over een paar seconden nog eens op de knop.", html);
        Assert.Contains($"name=\"topUpKey\" value=\"{found.Key}\"", html);

        var again = await PostTopUpAsync(desk, found, 6, idea, "4");
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.Equal(400, Assert.Single(await w.TopUps.OfIdeaAsync(idea)).AmountCents);
    }

    [Fact]
    public async Task a_program_without_top_ups_shows_no_section_and_the_domain_refuses_a_forged_post()
    {
        await w.ActivatedAsync(2, w.NoTopUpsProgramId);
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 2, program: w.NoTopUpsProgramId);

        Assert.Contains("Schommel zonder inleg", found.Html);   // an open idea it can see: the pledge form lists it
        Assert.DoesNotContain("Eigen geld bijleggen namens de bewoner", found.Html);
        Assert.DoesNotContain("data-testid=\"topup-form\"", found.Html);
        Assert.Contains("form-action 'self';", found.Csp);

        var forged = await PostTopUpAsync(desk, found with { Key = "page-forged-top-up" }, 2, w.NoTopUpsIdea, "5", w.NoTopUpsProgramId);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forged.StatusCode);
        Assert.Contains("Bij deze regeling kun je geen eigen geld inleggen.", await HtmlAsync(forged));
        Assert.Empty(await w.TopUps.OfIdeaAsync(w.NoTopUpsIdea));
    }

    [Fact]
    public async Task a_residents_cookie_does_not_open_the_staff_return_page()
    {
        var idea = await w.IdeaAsync("Kerstboom op het plein");
        await w.ActivatedAsync(7);
        var desk = await w.ConnectorAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostTopUpAsync(desk, await FindAsync(desk, 7), 7, idea, "3")).StatusCode);
        var topUp = Assert.Single(await w.TopUps.OfIdeaAsync(idea));
        Assert.Contains("Kerstboom op het plein", await desk.GetHtmlAsync($"/beheer/inloop/inleg/{topUp.Id}"));

        // Even the household whose top-up it is: its cookie is no staff sign-in, so to the staff sign-in page.
        var resident = await w.ResidentBrowserAsync(7);
        var response = await resident.GetAsync($"/beheer/inloop/inleg/{topUp.Id}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/beheer/inloggen", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain("Kerstboom", await response.Content.ReadAsStringAsync());

        // An unknown id for staff: not found, in plain words.
        var unknown = await desk.GetAsync($"/beheer/inloop/inleg/{Guid.CreateVersion7()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Deze betaling bestaat niet.", await HtmlAsync(unknown));
    }

    [Fact]
    public async Task the_section_reads_in_english_when_english_is_chosen()
    {
        await w.IdeaAsync("Zitbank bij de bushalte");
        await w.ActivatedAsync(8);
        var desk = await w.ConnectorAsync();
        var found = await FindAsync(desk, 8, "?lang=en");
        Assert.Contains("Add own money on behalf of the resident", found.Html);
        Assert.Contains("You never take any money.", found.Html);
        await desk.GetHtmlAsync("/beheer/inloop?lang=nl");
    }

    // ---- the page as a browser sends it

    private sealed record Found(string Html, string Csp, string Antiforgery, string Key, string TopUpForm);

    /// <summary>Types the code of a Rozentuin household's letter into the walk-in page.</summary>
    private async Task<Found> FindAsync(PageClient desk, int number, string query = "", Guid? program = null)
    {
        var response = await desk.PostFormAsync("/beheer/inloop" + query, "/beheer/inloop?handler=Find",
            new() { ["code"] = ApiWorld.CodeFor(program ?? w.ProgramId, "Rozentuin", number) });
        var html = await HtmlAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, "no antiforgery token on the walk-in page");
        var form = TopUpFormHtml().Match(html);
        var key = Regex.Match(form.Value, "name=\"topUpKey\" value=\"([^\"]+)\"");
        return new Found(html, response.Headers.GetValues("Content-Security-Policy").Single(), token.Groups[1].Value,
            key.Success ? key.Groups[1].Value : "", form.Value);
    }

    private Task<HttpResponseMessage> PostTopUpAsync(PageClient desk, Found page, int number, Guid idea, string amount, Guid? program = null) =>
        desk.PostPlainFormAsync("/beheer/inloop?handler=TopUp", new()
        {
            ["__af"] = page.Antiforgery,
            ["chequeId"] = ApiWorld.ChequeOf(program ?? w.ProgramId, "Rozentuin", number).ToString(),
            ["ideaId"] = idea.ToString(),
            ["topUpKey"] = page.Key,
            ["topUpAmount"] = amount,
        });

    private async Task<JsonElement> IdeaJsonAsync(Guid idea) => await w.GetJsonAsync($"/api/v1/ideas/{idea}", w.Auditor);

    private static async Task<string> HtmlAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<form[^>]*data-testid=\"topup-form\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex TopUpFormHtml();
}
