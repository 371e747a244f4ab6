using System.Text.RegularExpressions;
using Waardecheque.Payments.Gateway;

namespace Waardecheque.Payments.Tests.Support;

/// <summary>Top-ups as the app will start them, and the checkout page read as a browser reads a form.</summary>
public static partial class TopUps
{
    public static TopUpCheckout New(long cents = 1250, string title = "Bankje bij de speeltuin", DateTimeOffset? startedAt = null) => new(
        TopUpId: Guid.NewGuid(),
        IdeaId: Guid.NewGuid(),
        IdeaTitle: title,
        AmountCents: cents,
        SuccessUrl: "https://waardecheque.example/inleg/klaar?sessie={CHECKOUT_SESSION_ID}",
        CancelUrl: "https://waardecheque.example/inleg/terug",
        StartedAt: startedAt ?? DateTimeOffset.UtcNow);

    /// <summary>The form whose action ends with <paramref name="actionEnd"/>: its action and the fields a browser sends.</summary>
    public static (string Action, Dictionary<string, string> Fields) Form(string html, string actionEnd)
    {
        foreach (Match form in FormRegex().Matches(html))
        {
            var action = System.Net.WebUtility.HtmlDecode(form.Groups["action"].Value);
            if (!action.EndsWith(actionEnd, StringComparison.Ordinal)) continue;
            var fields = new Dictionary<string, string>();
            foreach (Match input in InputRegex().Matches(form.Groups["body"].Value))
                fields[input.Groups["name"].Value] = System.Net.WebUtility.HtmlDecode(input.Groups["value"].Value);
            foreach (Match select in SelectRegex().Matches(form.Groups["body"].Value))
                fields[select.Groups["name"].Value] = System.Net.WebUtility.HtmlDecode(
                    SelectedRegex().Match(select.Groups["options"].Value).Groups["value"].Value);
            return (action, fields);
        }
        throw new InvalidOperationException($"No form posting to *{actionEnd} in:\n{html}");
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\">(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormRegex();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex InputRegex();

    [GeneratedRegex("<select[^>]* name=\"(?<name>[^\"]+)\">(?<options>.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex SelectRegex();

    [GeneratedRegex("<option value=\"(?<value>[^\"]*)\" selected>")]
    private static partial Regex SelectedRegex();
}
