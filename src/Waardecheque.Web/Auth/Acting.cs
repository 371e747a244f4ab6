using System.Security.Claims;
using Waardecheque.Domain;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Auth;

/// <summary>
/// The household a resident action is for, and who does it. A resident acts with their own cheque (from the session);
/// a connector or admin acts on behalf of a household with <c>onBehalf: true</c> and the household's <c>chequeId</c>:
/// the event then records the staff member as actor and the household as the one acting.
/// </summary>
public sealed record Acting(ChequeRow Cheque, string Actor, Guid? OnBehalfOfStaffId)
{
    public Guid ChequeId => Cheque.Id;
    public Guid HouseholdId => Cheque.HouseholdId;
    public bool IsOnBehalf => OnBehalfOfStaffId is not null;
}

public sealed class ActingResolver(StoreHolder holder)
{
    public const string OnBehalfHint =
        "Als medewerker handelt u namens een huishouden: stuur onBehalf: true en het chequeId van dat huishouden mee.";

    /// <summary>Who acts for which household; 403 for a caller who may not act for a household at all.</summary>
    public async Task<Acting> ResolveAsync(ClaimsPrincipal user, bool? onBehalf, Guid? chequeId, CancellationToken ct)
    {
        if (user.ChequeId() is { } own)
        {
            if (onBehalf == true) throw ApiProblemException.Forbidden("Alleen een buurtverbinder kan namens een huishouden handelen.");
            var cheque = await ChequeQueries.GetAsync(holder.Store.DataSource, own, ct)
                         ?? throw ApiProblemException.NotFound("Deze cheque bestaat niet.");
            return new Acting(cheque, user.Actor(), null);
        }
        if (user.Role() is Roles.Moderator or Roles.Admin)
        {
            if (onBehalf != true) throw ApiProblemException.Forbidden(OnBehalfHint);
            if (chequeId is not { } id)
                throw RuleViolation.Validation(new Dictionary<string, string[]> { ["chequeId"] = ["Geef het chequeId van het huishouden."] });
            var cheque = await ChequeQueries.GetAsync(holder.Store.DataSource, id, ct)
                         ?? throw ApiProblemException.NotFound("Deze cheque bestaat niet.");
            return new Acting(cheque, user.Actor(), user.SubjectId());
        }
        throw ApiProblemException.Forbidden(ProblemCodes.DetailFor(403));
    }
}
