using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Ideas;

/// <summary>
/// The pooling rules P1..P8 of DOMAIN.md, one line each. Shared by a resident's pledge, a connector's pledge on
/// behalf, batch collection and (P4, P6, P7) top-ups.
/// </summary>
public static class PledgeRules
{
    public static void RequireAll(Idea idea, Cheque cheque, Program program, long amountCents, DateTimeOffset now)
    {
        var rules = program.Rules;
        Rule.Require(amountCents > 0, ErrorCodes.InvalidAmount, "Een toezegging is een bedrag van meer dan 0 cent.");   // P1
        ChequeRules.RequireUsable(cheque, program, now);                                                                  // P2
        RequireOpen(idea, now);                                                                                           // P4
        Rule.Require(cheque.ProgramId == idea.ProgramId && idea.ProgramId == program.Id, ErrorCodes.NotANeighbour,         // P5
            "Deze cheque hoort bij een andere regeling dan dit idee.");
        Rule.Require(idea.Scope.Includes(cheque.Street, cheque.BuurtCode), ErrorCodes.NotANeighbour, NotANeighbour(idea.Scope)); // P5
        Rule.Require(amountCents <= cheque.AvailableCents, ErrorCodes.InsufficientCredit,                                 // P3
            $"Er staat nog {Money.Euro(cheque.AvailableCents)} op je cheque.", Rule.Data("availableCents", cheque.AvailableCents));
        Rule.Require(amountCents >= rules.MinPledgeCents || amountCents == cheque.AvailableCents, ErrorCodes.InvalidAmount, // P1
            $"Zeg minstens {Money.Euro(rules.MinPledgeCents)} toe, of alles wat er nog op je cheque staat.",
            Rule.Data("minPledgeCents", rules.MinPledgeCents));
        RequireRoom(idea, rules, amountCents, cheque.HouseholdId);                                                        // P6, P7
        // P8 needs no line: households are counted as a set, so the initiator's household counts once like any other.
    }

    public static void RequireOpen(Idea idea, DateTimeOffset now) =>
        Rule.Require(idea.IsOpenAt(now), ErrorCodes.IdeaNotOpen, idea.State == IdeaState.Open
            ? "De deadline van dit idee is voorbij." : "Dit idee neemt geen toezeggingen aan.");                          // P4

    /// <summary>P6 and P7 for an amount from <paramref name="householdId"/> (null for a top-up, which is no household).</summary>
    public static void RequireRoom(Idea idea, ProgramRules rules, long amountCents, Guid? householdId)
    {
        var stillNeeded = idea.StillNeededCents;
        Rule.Require(amountCents <= stillNeeded, ErrorCodes.TargetExceeded,                                               // P6
            $"Dit idee heeft nog {Money.Euro(stillNeeded)} nodig.", Rule.Data("stillNeededCents", stillNeeded));
        var missing = HouseholdsMissingAfter(idea, rules, householdId);
        var roomForOthers = missing * rules.MinPledgeCents;
        Rule.Require(missing == 0 || stillNeeded - amountCents >= roomForOthers, ErrorCodes.NeedsMoreNeighbours,          // P7
            $"Er moeten nog {missing} huishouden(s) meedoen; zeg hoogstens {Money.Euro(Math.Max(0, stillNeeded - roomForOthers))} toe.",
            Rule.Data("householdsMissing", missing, "maxAmountCents", Math.Max(0, stillNeeded - roomForOthers)));
    }

    /// <summary>
    /// The most this cheque may pledge now under P3, P6 and P7 (P1 is the caller's: a result below the minimum is
    /// allowed only when it is the whole credit). Closed form, no search.
    /// </summary>
    public static long LargestAllowed(Idea idea, ProgramRules rules, Cheque cheque)
    {
        var missing = HouseholdsMissingAfter(idea, rules, cheque.HouseholdId);
        var room = idea.StillNeededCents - missing * rules.MinPledgeCents;
        return Math.Max(0, Math.Min(cheque.AvailableCents, room));
    }

    /// <summary>How many more households the idea needs after this one has pledged.</summary>
    public static int HouseholdsMissingAfter(Idea idea, ProgramRules rules, Guid? householdId)
    {
        var after = idea.HouseholdCount + (householdId is { } h && !idea.HasPledgeFrom(h) ? 1 : 0);
        return Math.Max(0, rules.MinHouseholdsPerIdea - after);
    }

    /// <summary>Funding: the target is reached with enough households, in the same transaction as the money that did it.</summary>
    public static bool IsFunded(Idea after, ProgramRules rules) =>
        after.TotalCents == after.TargetCents && after.HouseholdCount >= rules.MinHouseholdsPerIdea;

    private static string NotANeighbour(Scope scope) => scope.Kind == ScopeKind.Street
        ? $"Dit idee is voor de bewoners van de {scope.Street}."
        : "Dit idee is voor de bewoners van een andere buurt.";
}
