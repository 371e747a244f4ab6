using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Issuing;

/// <summary>
/// <c>/beheer/regelingen/{id}/cheque-kwijt</c> (admin): find a household by postcode and house number
/// (rm_households + rm_cheques), block its cheque, reissue it. The new code is shown once, on the answer to the
/// reissue; it is never stored (only its hash is) and never put in a URL.
/// </summary>
[Authorize(Policy = PageAuth.AuditPolicy)]
[Authorize(Policy = PageAuth.AdminPolicy)]
public sealed class LostChequeModel(IMessageBus bus, StoreHolder holder, CodeKey key, ISessionTokens sessions)
    : WcPageModel
{
    public ProgramRow? Program { get; private set; }
    public string Postcode { get; private set; } = "";
    public string Number { get; private set; } = "";
    public IReadOnlyList<AddressCheque>? Found { get; private set; }
    public string? NewCode { get; private set; }

    private Guid StaffId => User.SubjectId()!.Value;

    public async Task OnGetAsync(Guid id) => Program = await ProgramAsync(id);

    public async Task<IActionResult> OnPostFindAsync(Guid id, [FromForm] string? postcode, [FromForm] string? number)
    {
        Program = await ProgramAsync(id);
        (Postcode, Number) = (postcode ?? "", number ?? "");
        var pc = AddressRules.Postcode(postcode);
        if (!pc.IsOk) FieldProblems["postcode"] = pc.ErrorMessage!;
        if (!int.TryParse(number?.Trim(), out var huisnummer) || huisnummer is < 1 or > 99_999)
            FieldProblems["number"] = AddressRules.Huisnummer(number).ErrorMessage ?? T["new.badcount"];
        if (FieldProblems.Count > 0)
        {
            Problem = string.Join(" ", FieldProblems.Values);
            return Page();
        }
        await FindAsync(id, pc.Value!, huisnummer, null);
        return Page();
    }

    public async Task<IActionResult> OnPostBlockAsync(Guid id, [FromForm] Guid chequeId, [FromForm] string? reason)
    {
        Program = await ProgramAsync(id);
        if (await TryInvokeAsync(bus, new BlockCheque(chequeId, StaffId, reason ?? "")))
        {
            // A blocked cheque is out of use at once: whoever holds a session with it is signed out (as the API does).
            await sessions.RevokeSubjectAsync(chequeId, HttpContext.RequestAborted);
            Notice = T["lost.blocked"];
        }
        await FindAsync(id, null, 0, chequeId);
        return Page();
    }

    public async Task<IActionResult> OnPostReissueAsync(Guid id, [FromForm] Guid chequeId)
    {
        Program = await ProgramAsync(id);
        var codeKey = key.Bytes;
        if (await TryInvokeAsync(bus, new ReissueCheque(chequeId, StaffId)))
        {
            await sessions.RevokeSubjectAsync(chequeId, HttpContext.RequestAborted);
            NewCode = ChequeCode.Derive(codeKey, Cheque.ReplacementIdFor(chequeId)).ToString();
            Response.Headers.CacheControl = "no-store";
        }
        await FindAsync(id, null, 0, chequeId);
        return Page();
    }

    private Task<ProgramRow?> ProgramAsync(Guid id) =>
        ProgramQueries.GetAsync(holder.Store.DataSource, id, HttpContext.RequestAborted, withCounts: false);

    /// <summary>Every cheque of the households at this address (or of the household of <paramref name="chequeId"/>).</summary>
    private async Task FindAsync(Guid programId, string? postcode, int huisnummer, Guid? chequeId) =>
        Found = await ChequeQueries.AtAddressAsync(holder.Store.DataSource, programId, postcode, huisnummer, chequeId, HttpContext.RequestAborted);
}
