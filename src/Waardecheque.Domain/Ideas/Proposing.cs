using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>A resident proposes an idea for their street or buurt. The id comes from the caller (UUID v7).</summary>
public sealed record ProposeIdea(Guid IdeaId, Guid ChequeId, string Title, string Description, Scope Scope,
    long TargetCents, DateTimeOffset Deadline, Guid? OnBehalfOfStaffId = null);

public static class ProposeIdeaHandler
{
    public const int MinTitle = 3, MaxTitle = 120, MaxDescription = 4000;

    public static void Validate(ProposeIdea cmd)
    {
        new FieldErrors()
            .Text(cmd.Title, "title", MinTitle, MaxTitle, $"Een titel is {MinTitle} tot {MaxTitle} tekens.")
            .Text(cmd.Description, "description", 0, MaxDescription, $"Een beschrijving is hoogstens {MaxDescription} tekens.", TextKind.Long)
            .Check(cmd.Scope is not null && Enum.IsDefined(cmd.Scope.Kind), "scope.kind", "Kies een straat of een hele buurt.")
            .Text(cmd.Scope?.BuurtCode, "scope.buurtCode", 1, 20, "Kies een buurt.")
            .Check(cmd.Scope is null || cmd.Scope.Kind != ScopeKind.Street || !string.IsNullOrWhiteSpace(cmd.Scope.Street),
                "scope.street", "Kies een straat.")
            .Text(cmd.Scope?.Street, "scope.street", 0, Households.AddressRules.MaxStreetLength,
                $"Een straatnaam is hoogstens {Households.AddressRules.MaxStreetLength} tekens.")
            .Check(cmd.TargetCents > 0, "targetCents", "Het doelbedrag moet meer dan 0 cent zijn.")
            .ThrowIfAny();
    }

    /// <param name="cheque">The proposer's cheque; the program follows from it.</param>
    public static Events Handle(ProposeIdea cmd, Cheque cheque, Program program, DateTimeOffset now)
    {
        Validate(cmd);
        ChequeRules.RequireUsable(cheque, program, now);
        var rules = program.Rules;
        var scope = cmd.Scope.Kind == ScopeKind.Street ? Scope.ForStreet(cmd.Scope.BuurtCode, cmd.Scope.Street!) : Scope.ForBuurt(cmd.Scope.BuurtCode);
        new FieldErrors()
            .Check(cmd.TargetCents >= rules.MinIdeaTargetCents && cmd.TargetCents <= rules.MaxIdeaTargetCents, "targetCents",
                $"Het doelbedrag ligt tussen {Money.Euro(rules.MinIdeaTargetCents)} en {Money.Euro(rules.MaxIdeaTargetCents)}.")
            .Check(cmd.Deadline > now && cmd.Deadline <= program.ClosesAt, "deadline",
                "De deadline ligt in de toekomst en niet na het sluiten van de regeling.")
            .Check(program.HasBuurt(scope.BuurtCode), "scope.buurtCode", "Deze buurt doet niet mee aan de regeling.")
            .ThrowIfAny();
        Rule.Require(scope.Includes(cheque.Street, cheque.BuurtCode), ErrorCodes.NotANeighbour,
            "Je kunt alleen een idee voorstellen voor je eigen straat of buurt.");

        var events = new Events();
        events.Start<Idea>(cmd.IdeaId, new IdeaProposed(cmd.IdeaId, program.Id, Text.Clean(cmd.Title), Text.Clean(cmd.Description, TextKind.Long),
            scope, cmd.TargetCents, cmd.Deadline, cheque.Id, cheque.HouseholdId, now, cmd.OnBehalfOfStaffId));
        // Without moderation an idea is open at once: the same stream gets its approval in the same transaction.
        if (!rules.Moderation) ApproveIdeaHandler.Open(cmd.IdeaId, cmd.Deadline, approvedBy: null, now, events);
        return events;
    }
}
