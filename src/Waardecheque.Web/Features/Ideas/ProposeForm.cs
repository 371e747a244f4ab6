using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels.Queries;
using DomainScope = Waardecheque.Domain.Ideas.Scope;

using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Ideas;

/// <summary>What a proposal form posts: the resident's own (<c>/idee-voorstellen</c>) or a connector's on their behalf (walk-in).</summary>
public sealed class ProposeForm
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Scope { get; set; }
    public string? Target { get; set; }
    public string? Deadline { get; set; }

    /// <summary>
    /// The ProposeIdea command, or null with the fields that could not even be read (euros, date) in
    /// <paramref name="problems"/>. Every rule about the values themselves is the domain's.
    /// </summary>
    public ProposeIdea? ToCommand(Guid ideaId, ChequeRow cheque, Guid? onBehalfOfStaffId, Dictionary<string, string> problems, PageTexts t)
    {
        var target = Format.ParseEuros(Target);
        var deadline = Format.EndOfDay(Deadline);
        if (target is null) problems["targetCents"] = t["propose.badtarget"];
        if (deadline is null) problems["deadline"] = t["propose.baddeadline"];
        if (target is null || deadline is null) return null;
        var scope = Scope == "buurt" ? DomainScope.ForBuurt(cheque.BuurtCode) : DomainScope.ForStreet(cheque.BuurtCode, cheque.Street);
        return new ProposeIdea(ideaId, cheque.Id, Title ?? "", Description ?? "", scope, target.Value, deadline.Value, onBehalfOfStaffId);
    }
}

/// <summary>The model of the shared proposal fields partial.</summary>
public sealed record ProposeFields(ProposeForm Form, ChequeRow Cheque, ProgramRow Program, IReadOnlyDictionary<string, string> Problems);
