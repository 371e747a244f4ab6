using System.Text.RegularExpressions;
using Waardecheque.Domain.Households;
using Waardecheque.Messaging;

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
    public static void Validate(CreateProgram cmd)
    {
        var rules = cmd.Rules ?? ProgramRules.Default;
        var errors = new FieldErrors()
            .Check(!string.IsNullOrWhiteSpace(cmd.Name) && cmd.Name.Trim().Length <= 120, "name", "Geef de regeling een naam van hoogstens 120 tekens.")
            .Check(MunicipalityCode().IsMatch(cmd.MunicipalityCode ?? ""), "municipalityCode", "Een gemeentecode is GM gevolgd door 4 cijfers, bijvoorbeeld GM0637.")
            .Check(cmd.Buurten is { Count: > 0 }, "buurten", "Kies minstens één buurt.")
            .Check(cmd.ChequeValueCents > 0, "chequeValueCents", "De waarde van een cheque moet meer dan 0 cent zijn.")
            .Check(cmd.OpensAt < cmd.ClosesAt, "closesAt", "De regeling moet sluiten na de opening.")
            .Check(rules.MinPledgeCents > 0, "rules.minPledgeCents", "De minimale toezegging moet meer dan 0 cent zijn.")
            .Check(rules.MinHouseholdsPerIdea >= 1, "rules.minHouseholdsPerIdea", "Er is minstens 1 huishouden per idee nodig.")
            .Check(rules.MaxIdeaTargetCents >= rules.MinIdeaTargetCents, "rules.maxIdeaTargetCents",
                "Het maximale doelbedrag moet minstens het aantal huishoudens maal de minimale toezegging zijn.")
            .Check(!rules.TopUps || rules.MaxTopUpCents > 0, "rules.maxTopUpCents", "Het maximum voor eigen inleg moet meer dan 0 cent zijn.");
        var buurten = cmd.Buurten ?? [];
        for (var i = 0; i < buurten.Count; i++)
        {
            errors.Check(BuurtCode().IsMatch(buurten[i].Code ?? ""), $"buurten[{i}].code", "Een buurtcode is BU gevolgd door 8 cijfers.")
                  .Check(!string.IsNullOrWhiteSpace(buurten[i].Name), $"buurten[{i}].name", "Geef de buurt een naam.")
                  .Check(buurten.Take(i).All(b => !string.Equals(b.Code, buurten[i].Code, StringComparison.OrdinalIgnoreCase)),
                      $"buurten[{i}].code", "Deze buurt staat er al in.");
        }
        errors.ThrowIfAny();
    }

    public static Events Handle(CreateProgram cmd, DateTimeOffset now)
    {
        Validate(cmd);
        new FieldErrors().Check(cmd.ClosesAt > now, "closesAt", "De sluitingsdatum ligt in het verleden.").ThrowIfAny();

        var buurten = cmd.Buurten.Select(b => new Buurt(b.Code.ToUpperInvariant(), b.Name.Trim())).ToList();
        var created = new ProgramCreated(cmd.ProgramId, cmd.Name.Trim(), cmd.MunicipalityCode, buurten,
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
