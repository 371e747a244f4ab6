using System.Text.RegularExpressions;
using Waardecheque.Domain.Households;

namespace Waardecheque.Domain.Programs;

/// <summary>The municipality sets up a program. The id comes from the caller (UUID v7), so Handle stays pure.</summary>
public sealed record CreateProgram(
    Guid ProgramId,
    string Name,
    string MunicipalityCode,
    IReadOnlyList<Buurt> Buurten,
    long ChequeValueCents,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    ProgramRules? Rules = null);

public static partial class CreateProgramHandler
{
    public const int MaxName = 120, MaxBuurtName = 80, MaxHouseholdsPerIdea = 10_000;

    /// <summary>The rule book's ceiling on the value of one cheque (DOMAIN.md, program rules): € 1.000.</summary>
    public const long MaxChequeValueCents = 100_000;

    /// <summary>
    /// The ceiling of the other money rules (minimum pledge, maximum idea target, maximum top-up): € 10 million, far
    /// above any neighbourhood idea, low enough that no total of a program (even 10,000 households times this) can
    /// come near what a long holds.
    /// </summary>
    public const long MaxRuleCents = 1_000_000_000;

    public static void Validate(CreateProgram cmd)
    {
        var rules = cmd.Rules ?? ProgramRules.Default;
        var errors = new FieldErrors()
            .Text(cmd.Name, "name", 1, MaxName, $"Geef de regeling een naam van hoogstens {MaxName} tekens.")
            .Check(MunicipalityCode().IsMatch(cmd.MunicipalityCode ?? ""), "municipalityCode", "Een gemeentecode is GM gevolgd door 4 cijfers, bijvoorbeeld GM0637.")
            .Check(cmd.Buurten is { Count: > 0 }, "buurten", "Kies minstens één buurt.")
            .Check(cmd.ChequeValueCents is > 0 and <= MaxChequeValueCents, "chequeValueCents",
                $"De waarde van een cheque ligt tussen 1 cent en {Money.Euro(MaxChequeValueCents)}.")
            .Check(cmd.OpensAt < cmd.ClosesAt, "closesAt", "De regeling moet sluiten na de opening.")
            .Check(rules.MinPledgeCents is > 0 and <= MaxRuleCents, "rules.minPledgeCents",
                $"De minimale toezegging ligt tussen 1 cent en {Money.Euro(MaxRuleCents)}.")
            .Check(rules.MinHouseholdsPerIdea is >= 1 and <= MaxHouseholdsPerIdea, "rules.minHouseholdsPerIdea",
                $"Er zijn 1 tot {MaxHouseholdsPerIdea} huishoudens per idee nodig.")
            // Compared only when both factors are within bounds (else their own fields say so): then households x
            // minimum pledge cannot overflow.
            .Check(rules.MaxIdeaTargetCents <= MaxRuleCents && (!FactorsInBounds(rules) || rules.MaxIdeaTargetCents >= rules.MinIdeaTargetCents),
                "rules.maxIdeaTargetCents",
                $"Het maximale doelbedrag is minstens het aantal huishoudens maal de minimale toezegging, en hoogstens {Money.Euro(MaxRuleCents)}.")
            .Check(rules.MaxTopUpCents <= MaxRuleCents && (!rules.TopUps || rules.MaxTopUpCents > 0), "rules.maxTopUpCents",
                $"Het maximum voor eigen inleg ligt tussen 1 cent en {Money.Euro(MaxRuleCents)}.");
        var buurten = cmd.Buurten ?? [];
        for (var i = 0; i < buurten.Count; i++)
        {
            errors.Check(BuurtCode().IsMatch(buurten[i].Code ?? ""), $"buurten[{i}].code", "Een buurtcode is BU gevolgd door 8 cijfers.")
                  .Text(buurten[i].Name, $"buurten[{i}].name", 1, MaxBuurtName, $"Geef de buurt een naam van hoogstens {MaxBuurtName} tekens.")
                  .Check(buurten.Take(i).All(b => !string.Equals(b.Code, buurten[i].Code, StringComparison.OrdinalIgnoreCase)),
                      $"buurten[{i}].code", "Deze buurt staat er al in.");
        }
        errors.ThrowIfAny();
    }

    private static bool FactorsInBounds(ProgramRules rules) =>
        rules.MinPledgeCents is > 0 and <= MaxRuleCents && rules.MinHouseholdsPerIdea is >= 1 and <= MaxHouseholdsPerIdea;

    public static Events Handle(CreateProgram cmd, DateTimeOffset now)
    {
        Validate(cmd);
        new FieldErrors().Check(cmd.ClosesAt > now, "closesAt", "De sluitingsdatum ligt in het verleden.").ThrowIfAny();

        var buurten = cmd.Buurten.Select(b => new Buurt(b.Code.ToUpperInvariant(), Text.Clean(b.Name))).ToList();
        var created = new ProgramCreated(cmd.ProgramId, Text.Clean(cmd.Name), cmd.MunicipalityCode, buurten,
            cmd.ChequeValueCents, cmd.OpensAt, cmd.ClosesAt, cmd.Rules ?? ProgramRules.Default, now);
        var events = new Events();
        events.Start<Program>(cmd.ProgramId, created);
        // The register is its own stream so a big import never contends with pledges on the program stream.
        events.Start<HouseholdRegister>(HouseholdRegister.StreamIdFor(cmd.ProgramId), new HouseholdRegisterOpened(cmd.ProgramId));
        return events;
    }

    [GeneratedRegex("^GM[0-9]{4}$")] private static partial Regex MunicipalityCode();
    [GeneratedRegex("^BU[0-9]{8}$", RegexOptions.IgnoreCase)] private static partial Regex BuurtCode();
}
