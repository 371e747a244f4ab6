using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;
using Waardecheque.Domain.Ideas;
using Waardecheque.Payments;
using Waardecheque.Payments.Gateway;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.TopUps;

/// <summary>
/// The app with its built-in Stripe sandbox, reached in memory: Stripe.net's transport is the test server's handler,
/// so the checkout is created by the sandbox exactly as over a socket. No webhook is delivered (no webhook URL): a
/// test that needs a paid top-up records the payment as the webhook would, through the domain's command.
/// </summary>
public sealed class TopUpPageWorld : ApiWorld
{
    public Guid ProgramId { get; private set; }
    public TopUpService TopUps => App.Services.GetRequiredService<TopUpService>();

    protected override Action<IServiceCollection>? Services => InMemoryStripe.Use;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ProgramId = await OpenProgramAsync();
    }

    /// <summary>A resident's browser: signed in through the QR link (which sets the resident cookie).</summary>
    public async Task<PageClient> BrowserOfAsync(string street, int number)
    {
        var browser = PageClient.Anonymous(App);
        var signedIn = await browser.GetAsync($"/c/{CodeFor(ProgramId, street, number)}");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    /// <summary>An open idea for the Rozentuin with its own title, proposed by Rozentuin 1.</summary>
    public async Task<Guid> IdeaAsync(string title, long targetCents = 20000)
    {
        var initiator = await ResidentAsync(ProgramId, "Rozentuin", 1);
        var id = await ProposeAsync(initiator, title, Street("Rozentuin"), targetCents);
        await PostJsonAsync($"/api/v1/ideas/{id}/approve", Moderator);
        return id;
    }
}

/// <summary>
/// "Zelf geld bijleggen" on the idea page, the return page <c>/inleg/{id}</c> and "Mijn eigen inleg", over HTTP as a
/// browser without JavaScript uses them.
/// </summary>
public sealed partial class TopUpPageTests(TopUpPageWorld w) : IClassFixture<TopUpPageWorld>
{
    [Fact]
    public async Task an_amount_that_is_not_euros_gets_a_plain_Dutch_error_linked_to_the_field_and_stores_nothing()
    {
        var idea = await w.IdeaAsync("Bankje bij de vijver");
        var browser = await w.BrowserOfAsync("Rozentuin", 2);

        var form = await FormAsync(browser, idea);
        var response = await PostAsync(browser, idea, form, "twaalf euro");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains("<a href=\"#topup-amount\">Vul een bedrag in euro in, bijvoorbeeld 12,50.</a>", html);
        Assert.Contains("id=\"topup-amount-error\"", html);
        Assert.Matches("id=\"topup-amount\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"topup-amount-hint topup-amount-error\"", html);
        Assert.Contains("value=\"twaalf euro\"", html);
        Assert.Empty(await w.TopUps.OfIdeaAsync(idea));
    }

    [Fact]
    public async Task more_than_the_program_allows_gets_the_domains_rule_and_stores_nothing()
    {
        var idea = await w.IdeaAsync("Speeltoestel op het plein", targetCents: 100000);
        var browser = await w.BrowserOfAsync("Rozentuin", 3);

        var form = await FormAsync(browser, idea);
        // The limit is on the page in plain words before anyone types.
        Assert.Contains("Je kunt hoogstens € 250,00 per keer bijleggen. Dit idee heeft nog € 1.000,00 nodig.", form.Html);
        var response = await PostAsync(browser, idea, form, "300");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains("Leg tussen € 0,01 en € 250,00 in.", html);
        Assert.Contains("<a href=\"#topup-amount\">", html);
        Assert.Empty(await w.TopUps.OfIdeaAsync(idea));

        // In English: the same rule in English, with the program's numbers.
        var english = await PostAsync(browser, idea, await FormAsync(browser, idea, "?lang=en"), "300");
        Assert.Contains("Add between €0.01 and €250.00.", await HtmlAsync(english));
    }

    [Fact]
    public async Task the_same_form_sent_twice_makes_one_top_up_and_both_go_to_the_same_checkout()
    {
        var idea = await w.IdeaAsync("Bloembakken in de Rozentuin");
        var browser = await w.BrowserOfAsync("Rozentuin", 4);

        var form = await FormAsync(browser, idea);
        var first = await PostAsync(browser, idea, form, "12,50");
        var second = await PostAsync(browser, idea, form, "12,50");

        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Matches("^https://waardecheque.zoetermeer.example/stripe-sandbox/checkout/cs_", first.Headers.Location!.ToString());
        var topUp = Assert.Single(await w.TopUps.OfIdeaAsync(idea));
        Assert.Equal((1250L, TopUpStates.Pending), (topUp.AmountCents, topUp.State));

        // A new form (a new key) is a new top-up.
        var again = await PostAsync(browser, idea, await FormAsync(browser, idea), "5");
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.NotEqual(first.Headers.Location, again.Headers.Location);
        Assert.Equal(2, (await w.TopUps.OfIdeaAsync(idea)).Count);

        // The old form with the same key but another amount: a clear message, and a fresh key for the next press.
        var changed = await PostAsync(browser, idea, form, "20");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        var html = await HtmlAsync(changed);
        Assert.Contains("Je had dit formulier al verstuurd met een ander bedrag.", html);
        Assert.DoesNotContain(form.Key, html);
        Assert.Equal(2, (await w.TopUps.OfIdeaAsync(idea)).Count);
    }

    [Fact]
    public async Task the_return_page_says_waiting_then_paid_and_never_credits_by_itself()
    {
        var idea = await w.IdeaAsync("Picknicktafel bij de speeltuin", targetCents: 3000);
        var browser = await w.BrowserOfAsync("Rozentuin", 5);
        var form = await FormAsync(browser, idea);
        var checkout = (await PostAsync(browser, idea, form, "5")).Headers.Location!;

        // The sandbox's Dutch checkout page; its pay form sends the browser back to the success_url.
        var checkoutPage = await browser.GetHtmlAsync(checkout.PathAndQuery);
        Assert.Contains("Betaal € 5,00 met iDEAL", checkoutPage);
        var paid = await browser.PostPlainFormAsync(checkout.PathAndQuery + "/pay", new() { ["payment_method"] = "ideal", ["bank"] = "ING" });
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var back = paid.Headers.Location!;
        Assert.StartsWith("/inleg/", back.AbsolutePath);
        Assert.Contains("uitkomst=betaald", back.Query);

        // Back before the webhook: waiting, with a way to look again; opening it (twice) credits nothing.
        var waiting = await browser.GetHtmlAsync(back.PathAndQuery);
        Assert.Contains("We wachten nog op de bevestiging van je bank.", waiting);
        Assert.Contains(">Opnieuw kijken</a>", waiting);
        Assert.Contains("€ 5,00 voor \"Picknicktafel bij de speeltuin\"", waiting);
        await browser.GetHtmlAsync(back.PathAndQuery);
        var topUp = Assert.Single(await w.TopUps.OfIdeaAsync(idea));
        Assert.Equal(TopUpStates.Pending, topUp.State);
        Assert.Contains("€ 0,00 van € 30,00", await browser.GetHtmlAsync($"/ideeen/{idea}"));

        // The webhook's work (checkout.session.completed, paid): now the page says it counts, and the idea shows it.
        await w.RecordAsync(new RecordTopUpPayment(idea, topUp.Id, 500, "pi_test_" + topUp.Id.ToString("N")));
        var done = await browser.GetHtmlAsync(back.PathAndQuery);
        Assert.Contains("Gelukt: je betaling is binnen. Je € 5,00 telt mee voor dit idee.", done);
        Assert.DoesNotContain("Opnieuw kijken", done);
        Assert.Contains("€ 5,00 van € 30,00", await browser.GetHtmlAsync($"/ideeen/{idea}"));

        // English, from the same address.
        Assert.Contains("Done: your payment has arrived. Your €5.00 counts toward this idea.",
            await browser.GetHtmlAsync(back.PathAndQuery + "&lang=en"));
        await browser.GetHtmlAsync(back.PathAndQuery + "&lang=nl");

        // "Mijn cheque" lists it in a table with headings.
        var mine = await browser.GetHtmlAsync("/mijn-cheque");
        Assert.Contains("<h2 id=\"mine-topups\">Mijn eigen inleg</h2>", mine);
        Assert.Matches("<th scope=\"col\">Idee</th><th scope=\"col\" class=\"num\">Bedrag</th>\\s*<th scope=\"col\">Wat gebeurde er\\?</th><th scope=\"col\">Datum</th>", mine);
        Assert.Matches($"<a href=\"/inleg/{topUp.Id}\">Picknicktafel bij de speeltuin</a></th>\\s*<td class=\"num\">€ 5,00</td>\\s*<td>Betaald, telt mee", mine);
    }

    [Fact]
    public async Task the_return_page_after_cancelling_says_nothing_was_paid_and_offers_to_pay_after_all()
    {
        var idea = await w.IdeaAsync("Jeu-de-boulesbaan");
        var browser = await w.BrowserOfAsync("Rozentuin", 6);
        var checkout = (await PostAsync(browser, idea, await FormAsync(browser, idea), "7,50")).Headers.Location!;

        var cancelled = await browser.PostPlainFormAsync(checkout.PathAndQuery + "/cancel", []);
        Assert.Equal(HttpStatusCode.SeeOther, cancelled.StatusCode);
        var html = await browser.GetHtmlAsync(cancelled.Headers.Location!.PathAndQuery);

        Assert.Contains("Je hebt niet betaald. Er is niets afgeschreven.", html);
        Assert.Contains($"<a href=\"{checkout}\">Toch betalen</a>", html);
        Assert.DoesNotContain("Opnieuw kijken", html);
        Assert.Equal(TopUpStates.Pending, Assert.Single(await w.TopUps.OfIdeaAsync(idea)).State);
    }

    [Fact]
    public async Task an_expired_payment_says_so_and_another_household_cannot_see_the_top_up()
    {
        var idea = await w.IdeaAsync("Kerstboom op het plein");
        var browser = await w.BrowserOfAsync("Rozentuin", 7);
        await PostAsync(browser, idea, await FormAsync(browser, idea), "3");
        var topUp = Assert.Single(await w.TopUps.OfIdeaAsync(idea));

        await w.RecordAsync(new RecordTopUpLapse(idea, topUp.Id, TopUpLapse.Expired));
        Assert.Contains("Deze betaling is verlopen. Er is niets afgeschreven.", await browser.GetHtmlAsync($"/inleg/{topUp.Id}"));
        Assert.Contains("Verlopen, niets betaald", await browser.GetHtmlAsync("/mijn-cheque"));

        var neighbour = await w.BrowserOfAsync("Rozentuin", 8);
        var response = await neighbour.GetAsync($"/inleg/{topUp.Id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains("Deze betaling bestaat niet, of hij is niet van jouw huishouden.", html);
        Assert.DoesNotContain("Kerstboom", html);

        // Without the resident's cookie: to the code page, as every resident page.
        var anonymous = await PageClient.Anonymous(w.App).GetAsync($"/inleg/{topUp.Id}");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    [Fact]
    public async Task the_municipalitys_dashboard_shows_top_ups_in_total_and_by_idea()
    {
        var idea = await w.IdeaAsync("Moestuin voor de buurt", targetCents: 5000);
        var resident = await w.BrowserOfAsync("Rozentuin", 2);
        await PostAsync(resident, idea, await FormAsync(resident, idea), "8");
        var topUp = (await w.TopUps.OfIdeaAsync(idea)).Single();
        await w.RecordAsync(new RecordTopUpPayment(idea, topUp.Id, 800, "pi_test_" + topUp.Id.ToString("N")));

        var admin = await PageClient.SignInAsync(w.App, TestApp.AdminEmail, TestApp.AdminPassword);
        var html = await admin.GetHtmlAsync($"/beheer/regelingen/{w.ProgramId}");

        Assert.Matches("<th scope=\"row\">Eigen inleg</th><td class=\"num\" data-testid=\"topped-up\">€ [0-9.,]+</td>", html);
        Assert.Contains("<th scope=\"row\">Eigen inleg terugbetaald</th><td class=\"num\" data-testid=\"refunded\">", html);
        Assert.Matches("<th scope=\"row\">Moestuin voor de buurt</th><td>Zoekt geld</td><td class=\"num\">€ 50,00</td>\\s*" +
                       "<td class=\"num\">€ 0,00</td><td class=\"num\">€ 8,00</td><td class=\"num\">€ 0,00</td>\\s*<td class=\"num\">€ 8,00</td>", html);
    }

    [Fact]
    public async Task the_idea_page_lets_its_form_lead_to_the_checkout_and_nowhere_else()
    {
        var idea = await w.IdeaAsync("Zitbank bij de bushalte");
        var browser = await w.BrowserOfAsync("Rozentuin", 2);

        var page = await browser.GetAsync($"/ideeen/{idea}");
        // Browsers check form-action against the 303 too: the sandbox's origin here, Stripe Checkout's with a real key.
        Assert.Contains("form-action 'self' https://waardecheque.zoetermeer.example;", page.Headers.GetValues("Content-Security-Policy").Single());
        var other = await browser.GetAsync("/mijn-cheque");
        Assert.Contains("form-action 'self';", other.Headers.GetValues("Content-Security-Policy").Single());

        var live = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PaymentsConfig.SecretKey] = "sk_live_example", ["Waardecheque:PublicBaseUrl"] = "https://waardecheque.zoetermeer.example",
        }).Build();
        Assert.Equal("https://checkout.stripe.com", TopUpCheckoutOrigin.Of(live));
    }

    // ---- the form as a browser sends it

    private sealed record TopUpForm(string Html, string Antiforgery, string Key);

    private static async Task<TopUpForm> FormAsync(PageClient browser, Guid idea, string query = "")
    {
        var html = await browser.GetHtmlAsync($"/ideeen/{idea}{query}");
        var form = TopUpFormHtml().Match(html);
        Assert.True(form.Success, "no top-up form on the idea page");
        var token = Regex.Match(form.Value, "name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"");
        var key = Regex.Match(form.Value, "name=\"topUpKey\" value=\"([^\"]+)\"");
        Assert.True(token.Success && key.Success, form.Value);
        return new TopUpForm(html, token.Groups[1].Value, key.Groups[1].Value);
    }

    private static Task<HttpResponseMessage> PostAsync(PageClient browser, Guid idea, TopUpForm form, string amount) =>
        browser.PostPlainFormAsync($"/ideeen/{idea}?handler=TopUp",
            new() { ["__af"] = form.Antiforgery, ["topUpKey"] = form.Key, ["topUpAmount"] = amount });

    private static async Task<string> HtmlAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("<form[^>]*data-testid=\"topup-form\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex TopUpFormHtml();
}
