using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;
using Wolverine;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain;

namespace Waardecheque.Web.Features.Ideas;

/// <summary><c>/idee-voorstellen</c>: the game rules, then the form; the rules themselves are checked by ProposeIdea.</summary>
public sealed class ProposeModel(StoreHolder holder, IMessageBus bus) : ResidentPage(holder)
{
    [BindProperty] public ProposeForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync() => await LoadChequeAsync() ? Page() : Redirect("/code");

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadChequeAsync()) return Redirect("/code");
        var id = Guid.CreateVersion7();
        var command = Form.ToCommand(id, Cheque, null, FieldProblems, T);
        if (command is null)
        {
            Problem = T["rule.validation_failed"];
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        if (!await TryInvokeAsync(bus, command))
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return Redirect($"/ideeen/{id}?ingediend=true");
    }
}
