using Microsoft.AspNetCore.Authorization;
using Waardecheque.Web.Pages;
using Wolverine;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Programs;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Programs;

/// <summary>
/// <c>/beheer/regelingen/nieuw</c> (admin): a program with its buurten and rules. The form starts at the rule book's
/// defaults (<see cref="ProgramRules.Default"/>, € 7,50 a cheque); the domain checks everything (<c>CreateProgram</c>).
/// </summary>
[Authorize(Policy = PageAuth.AuditPolicy)]
[Authorize(Policy = PageAuth.AdminPolicy)]
public sealed class NewModel(IMessageBus bus) : WcPageModel
{
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string MunicipalityCode { get; set; } = "GM0637";
    [BindProperty] public string Buurten { get; set; } = "";
    [BindProperty] public string ChequeValue { get; set; } = "7,50";
    [BindProperty] public string OpensOn { get; set; } = "";
    [BindProperty] public string ClosesOn { get; set; } = "";
    [BindProperty] public string MinHouseholds { get; set; } = "";
    [BindProperty] public string MinPledge { get; set; } = "";
    [BindProperty] public string MaxTarget { get; set; } = "";
    [BindProperty] public bool Moderation { get; set; } = true;
    [BindProperty] public bool TopUps { get; set; } = true;
    [BindProperty] public string MaxTopUp { get; set; } = "";

    public void OnGet()
    {
        var d = ProgramRules.Default;
        MinHouseholds = d.MinHouseholdsPerIdea.ToString(CultureInfo.InvariantCulture);
        MinPledge = Plain(d.MinPledgeCents);
        MaxTarget = Plain(d.MaxIdeaTargetCents);
        MaxTopUp = Plain(d.MaxTopUpCents);
        Moderation = d.Moderation;
        TopUps = d.TopUps;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Format.Netherlands).Date);
        OpensOn = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        ClosesOn = today.AddMonths(6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        long? Euros(string input, string field)
        {
            var cents = Format.ParseEuros(input);
            if (cents is null) FieldProblems[field] = T["new.badnumber"];
            return cents;
        }
        var value = Euros(ChequeValue, "chequeValueCents");
        var minPledge = Euros(MinPledge, "rules.minPledgeCents");
        var maxTarget = Euros(MaxTarget, "rules.maxIdeaTargetCents");
        var maxTopUp = TopUps ? Euros(MaxTopUp, "rules.maxTopUpCents") : Format.ParseEuros(MaxTopUp) ?? ProgramRules.Default.MaxTopUpCents;
        if (!int.TryParse(MinHouseholds, NumberStyles.None, CultureInfo.InvariantCulture, out var minHouseholds))
            FieldProblems["rules.minHouseholdsPerIdea"] = T["new.badcount"];
        var opens = StartOfDay(OpensOn);
        var closes = Format.EndOfDay(ClosesOn);
        if (opens is null) FieldProblems["opensAt"] = T["new.baddate"];
        if (closes is null) FieldProblems["closesAt"] = T["new.baddate"];
        if (FieldProblems.Count > 0)
        {
            Problem = T["rule.validation_failed"];
            return Page();
        }

        var buurten = Buurten.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split([' ', '\t', ';', ','], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(parts => new Buurt(parts[0], parts.Length > 1 ? parts[1] : ""))
            .ToList();
        var rules = new ProgramRules(minHouseholds, minPledge!.Value, maxTarget!.Value, Moderation, TopUps, maxTopUp!.Value);
        var id = Guid.CreateVersion7();
        if (!await TryInvokeAsync(bus, new CreateProgram(id, Name, MunicipalityCode.Trim().ToUpperInvariant(), buurten, value!.Value,
                opens!.Value, closes!.Value, rules)))
            return Page();
        return Redirect($"/beheer/regelingen/{id}/beheren?ok=created");
    }

    /// <summary>All field problems whose key starts with <paramref name="prefix"/> (e.g. every <c>buurten[i].code</c>).</summary>
    public string? ProblemFor(string prefix)
    {
        var messages = FieldProblems.Where(p => p.Key == prefix || p.Key.StartsWith(prefix + "[", StringComparison.Ordinal)
                                                                  || p.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .Select(p => p.Value).Distinct().ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    private static string Plain(long cents) => cents % 100 == 0
        ? (cents / 100).ToString(CultureInfo.InvariantCulture)
        : $"{cents / 100},{cents % 100:00}";

    private static DateTimeOffset? StartOfDay(string? isoDate)
    {
        if (!DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return null;
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Format.Netherlands.GetUtcOffset(local)).ToUniversalTime();
    }
}
