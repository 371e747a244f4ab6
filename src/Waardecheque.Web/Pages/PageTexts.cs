using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Waardecheque.Domain;
using Waardecheque.Web.Texts;

namespace Waardecheque.Web.Pages;

/// <summary>
/// The texts of one language, as pages use them: <c>t[key]</c>, <c>t.F(key, args)</c>, amounts and dates. The texts
/// themselves are in the resource files of <c>Texts/</c> (one per audience, Dutch default, English beside it), read
/// through <see cref="IStringLocalizer{T}"/>. A key in no file would show as itself: PageTextsTests fails the build's
/// tests first (every key used in code or pages exists in both languages, every key in the files is used).
/// </summary>
public sealed class PageTexts
{
    private readonly IStringLocalizer[] _audiences;
    private readonly CultureInfo _culture;

    internal PageTexts(string lang, params IStringLocalizer[] audiences)
    {
        Lang = lang;
        _culture = CultureInfo.GetCultureInfo(lang);
        _audiences = audiences;
    }

    /// <summary>The Dutch texts outside a request (the demo's console help), from the same resource files.</summary>
    public static PageTexts Dutch { get; } = PageTextCatalog.Standalone().For(PageLanguage.Nl);

    public string Lang { get; }
    public bool IsEnglish => Lang == PageLanguage.En;
    public string OtherLang => IsEnglish ? PageLanguage.Nl : PageLanguage.En;

    public string this[string key] => Find(key) ?? key;

    public string F(string key, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    public string Euros(long cents) => Format.Euros(cents, Lang);
    public string Date(DateTimeOffset moment) => Format.Date(moment, Lang);
    public string Count(long n) => Format.Count(n, Lang);

    /// <summary>The domain's own Dutch message, or in English the text for its code (with the numbers it carries).</summary>
    public string Rule(RuleViolation e)
    {
        if (!IsEnglish) return e.Message;
        long Cents(string key) => e.Details.TryGetValue(key, out var v) && v is long l ? l : 0;
        return e.Code switch
        {
            ErrorCodes.InvalidAmount when e.Details.ContainsKey("minPledgeCents") =>
                F("rule.invalid_amount.pledge", Euros(Cents("minPledgeCents"))),
            ErrorCodes.InvalidAmount when e.Details.ContainsKey("maxTopUpCents") =>
                F("rule.invalid_amount.topup", Euros(1), Euros(Cents("maxTopUpCents"))),
            ErrorCodes.InsufficientCredit => F("rule.insufficient_credit.left", Euros(Cents("availableCents"))),
            ErrorCodes.TargetExceeded => F("rule.target_exceeded.needed", Euros(Cents("stillNeededCents"))),
            ErrorCodes.NeedsMoreNeighbours => F("rule.needs_more_neighbours.left",
                e.Details.GetValueOrDefault("householdsMissing") ?? "", Euros(Cents("maxAmountCents"))),
            _ => Find("rule." + e.Code) ?? F("rule.other", e.Message),
        };
    }

    public string IdeaState(string state) => this["state." + state];
    public string ChequeState(string state) => this["cheque." + state];

    /// <summary>The text in this language from whichever audience holds the key, or null.</summary>
    private string? Find(string key)
    {
        // In a request the culture is already this language (UseRequestLocalization); elsewhere it is set for the look-up.
        var before = CultureInfo.CurrentUICulture;
        var swap = before.Name != _culture.Name;
        if (swap) CultureInfo.CurrentUICulture = _culture;
        try
        {
            foreach (var audience in _audiences)
                if (audience[key] is { ResourceNotFound: false } found) return found.Value;
            return null;
        }
        finally
        {
            if (swap) CultureInfo.CurrentUICulture = before;
        }
    }
}

/// <summary>Both languages' <see cref="PageTexts"/> over the audiences' localizers (a singleton).</summary>
public sealed class PageTextCatalog(
    IStringLocalizer<ResidentTexts> resident, IStringLocalizer<StaffTexts> staff, IStringLocalizer<TopUpTexts> topUps, IStringLocalizer<ErrorTexts> errors)
{
    private readonly PageTexts _dutch = new(PageLanguage.Nl, resident, staff, topUps, errors);
    private readonly PageTexts _english = new(PageLanguage.En, resident, staff, topUps, errors);

    public PageTexts For(string lang) => lang == PageLanguage.En ? _english : _dutch;

    /// <summary>A catalog without the host's container (the demo's console help, tests).</summary>
    public static PageTextCatalog Standalone()
    {
        var factory = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance);
        return new(new StringLocalizer<ResidentTexts>(factory), new StringLocalizer<StaffTexts>(factory),
            new StringLocalizer<TopUpTexts>(factory), new StringLocalizer<ErrorTexts>(factory));
    }
}
