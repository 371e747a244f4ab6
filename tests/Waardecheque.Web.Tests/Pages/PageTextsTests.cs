using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Waardecheque.Testing;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Pages;

/// <summary>
/// The pages' texts (src/Waardecheque.Web/Texts/*.resx, read through IStringLocalizer by PageTexts): no page can show a
/// bare key, because every key the code asks for exists in Dutch and in English, and no text lies unused in a file.
/// </summary>
public sealed class PageTextsTests
{
    private static readonly string Web = Path.Combine(RepoRoot.Find(), "src", "Waardecheque.Web");

    /// <summary>Audience (file name without language) → key → text, per language ("" is Dutch, the default).</summary>
    private static Dictionary<string, Dictionary<string, string>> Files(string culture) =>
        Directory.GetFiles(Path.Combine(Web, "Texts"), "*.resx")
            .Where(f => Path.GetFileNameWithoutExtension(f).Contains('.') == (culture != ""))
            .Where(f => culture == "" || Path.GetFileNameWithoutExtension(f).EndsWith("." + culture))
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f).Split('.')[0],
                f => XDocument.Load(f).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!));

    private static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(Web, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".cshtml"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText);

    private static HashSet<string> AllKeys() => Files("").Values.SelectMany(d => d.Keys).ToHashSet();

    // t["key"], T["key"], PageTexts.Dutch["key"], t.F("key", ...), F("key", ...), Find("key")
    private static readonly Regex Asked = new(@"(?:\b[tT]|PageTexts\.Dutch)\[""([^""]+)""\]|\bF\(""([^""]+)""|\bFind\(""([^""]+)""\)");
    // "prog.state." + p.State: a family of keys completed at run time
    private static readonly Regex Family = new(@"""([a-z_]+(?:\.[A-Za-z_]+)*\.)""\s*\+");

    [Fact]
    public void every_text_exists_in_dutch_and_in_english_and_is_not_empty()
    {
        var dutch = Files("");
        var english = Files("en");
        Assert.Equal(dutch.Keys.Order(), english.Keys.Order());
        foreach (var (audience, texts) in dutch)
        {
            Assert.Equal(texts.Keys.Order(), english[audience].Keys.Order());
            Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t.Value), $"{audience}: {t.Key} has no Dutch text"));
            Assert.All(english[audience], t => Assert.False(string.IsNullOrWhiteSpace(t.Value), $"{audience}: {t.Key} has no English text"));
        }
        var everywhere = dutch.SelectMany(d => d.Value.Keys).GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(everywhere);   // a key lives in one audience only, so which text a page gets never depends on order
    }

    [Fact]
    public void the_built_app_reads_every_text_in_both_languages_from_its_resources()
    {
        var catalog = PageTextCatalog.Standalone();
        foreach (var (lang, culture) in new[] { (PageLanguage.Nl, ""), (PageLanguage.En, "en") })
        {
            var texts = catalog.For(lang);
            foreach (var (key, text) in Files(culture).Values.SelectMany(d => d))
                Assert.Equal(text, texts[key]);
        }
    }

    [Fact]
    public void every_key_the_code_and_pages_ask_for_has_a_text()
    {
        var keys = AllKeys();
        var asked = Sources().SelectMany(s => Asked.Matches(s))
            .Select(m => m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value).ToHashSet();
        Assert.NotEmpty(asked);
        Assert.Empty(asked.Where(k => !keys.Contains(k)).Order());
        var families = Sources().SelectMany(s => Family.Matches(s)).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(families, f => Assert.Contains(keys, k => k.StartsWith(f)));
    }

    [Fact]
    public void every_text_in_the_files_is_used_by_code_or_pages()
    {
        var sources = Sources().ToList();
        var families = sources.SelectMany(s => Family.Matches(s)).Select(m => m.Groups[1].Value).ToList();
        var unused = AllKeys().Where(k => !families.Any(k.StartsWith) && !sources.Any(s => s.Contains($"\"{k}\""))).Order();
        Assert.Empty(unused);
    }

    [Fact]
    public void a_missing_key_is_not_found_in_either_language()
    {
        // What the tests above guard against: the localizer would hand back the key itself.
        Assert.Equal("no.such.key", PageTextCatalog.Standalone().For(PageLanguage.En)["no.such.key"]);
    }
}

public sealed class PageLanguageWorld : ApiWorld;

/// <summary>The language of a page: Dutch by default, <c>?lang=en|nl</c> switches and the <c>wc_taal</c> cookie remembers.</summary>
public sealed class PageLanguageTests(PageLanguageWorld w) : IClassFixture<PageLanguageWorld>
{
    private async Task<(string Html, string? Cookie)> GetAsync(string url, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (cookie is not null) request.Headers.Add("Cookie", $"{PageLanguage.Cookie}={cookie}");
        using var response = await w.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var set = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(PageLanguage.Cookie + "=")) : null;
        return (await response.Content.ReadAsStringAsync(), set);
    }

    [Fact]
    public async Task pages_are_dutch_unless_english_is_asked_for_and_the_choice_is_remembered()
    {
        var (dutch, none) = await GetAsync("/");
        Assert.Contains("<html lang=\"nl\"", dutch);
        Assert.Contains("Naar de inhoud", dutch);
        Assert.Null(none);

        var (english, remembered) = await GetAsync("/?lang=en");
        Assert.Contains("<html lang=\"en\"", english);
        Assert.Contains("Skip to content", english);
        Assert.StartsWith($"{PageLanguage.Cookie}=en;", remembered);

        Assert.Contains("Skip to content", (await GetAsync("/", cookie: "en")).Html);
        Assert.Contains("Naar de inhoud", (await GetAsync("/?lang=nl", cookie: "en")).Html);
        Assert.Contains("Naar de inhoud", (await GetAsync("/?lang=fr")).Html);
        Assert.Contains("Naar de inhoud", (await GetAsync("/", cookie: "fr")).Html);
    }

    [Fact]
    public async Task the_browsers_language_is_not_used()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Accept-Language", "en-GB,en;q=0.9");
        using var response = await w.Client.SendAsync(request);
        Assert.Contains("Naar de inhoud", await response.Content.ReadAsStringAsync());
    }
}
