using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Messaging;
using Waardecheque.Web.PagesSupport;

namespace Waardecheque.Web.Pages.Resident;

public sealed class ProposeForm
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Scope { get; set; }
    public string? Target { get; set; }
    public string? Deadline { get; set; }
}

/// <summary><c>/idee-voorstellen</c>: the game rules, then the form; the rules themselves are checked by ProposeIdea.</summary>
public sealed class ProposeModel(PageQueries queries, CommandBus bus) : ResidentPage(queries)
{
    [BindProperty] public ProposeForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync() => await LoadChequeAsync() ? Page() : Redirect("/code");

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadChequeAsync()) return Redirect("/code");
        var target = Format.ParseEuros(Form.Target);
        var deadline = Format.EndOfDay(Form.Deadline);
        if (target is null) FieldProblems["targetCents"] = T["propose.badtarget"];
        if (deadline is null) FieldProblems["deadline"] = T["propose.baddeadline"];
        if (FieldProblems.Count > 0)
        {
            Problem = T["rule.validation_failed"] is { Length: > 0 } s && T.IsEnglish ? s : "Niet alle velden zijn goed ingevuld.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var scope = Form.Scope == "buurt" ? Scope.ForBuurt(Cheque.BuurtCode) : Scope.ForStreet(Cheque.BuurtCode, Cheque.Street);
        var id = Guid.CreateVersion7();
        var command = new ProposeIdea(id, ChequeId, Form.Title ?? "", Form.Description ?? "", scope, target!.Value, deadline!.Value);
        if (!await TryInvokeAsync(bus, command))
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return Redirect($"/ideeen/{id}?ingediend=true");
    }
}
