using Waardecheque.Domain.Ledger;
using Waardecheque.ReadModels;
using Waardecheque.Web.Domain;
using Waardecheque.Web.PagesSupport;

namespace Waardecheque.Web.Pages.Municipality;

public sealed record BarRow(string Label, long Value, string Text);
public sealed record BarChart(string Id, string Title, IReadOnlyList<BarRow> Rows);

/// <summary>
/// <c>/beheer/regelingen/{id}</c>: the audit at a glance, from the same live ledger the auditor's API uses
/// (<see cref="ProgramLedger.BooksAsync"/>): does the money reconcile, where is it, who takes part.
/// </summary>
public sealed class ProgramModel(PageQueries queries, StoreHolder holder) : WcPageModel
{
    public ProgramView? Program { get; private set; }
    public AuditFigures? Figures { get; private set; }
    public BarChart MoneyChart { get; private set; } = null!;
    public BarChart ParticipationChart { get; private set; } = null!;

    public async Task OnGetAsync(Guid id)
    {
        Program = await queries.ProgramAsync(id, HttpContext.RequestAborted);
        if (Program is null) return;
        var f = (await ProgramLedger.BooksAsync(holder.Store, id, HttpContext.RequestAborted)).Figures();
        Figures = f;
        BarRow Money(string key, long cents) => new(T[key], cents, T.Euros(cents));
        MoneyChart = new BarChart("money", T.F("prog.chart", T["prog.figures"]),
        [
            Money("prog.issued", f.IssuedCents), Money("prog.available", f.AvailableCents),
            Money("prog.pledgedOpen", f.PledgedOpenCents), Money("prog.committed", f.CommittedCents),
            Money("prog.spent", f.SpentCents), Money("prog.returned", f.ReturnedCents), Money("prog.expired", f.ExpiredCents),
        ]);
        var part = f.Participation;
        BarRow Count(string key, int n) => new(T[key], n, n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ParticipationChart = new BarChart("participation", T.F("prog.chart", T["prog.participation"]),
        [
            Count("prog.households", part.Households), Count("prog.activated", part.Activated), Count("prog.pledging", part.Pledging),
            Count("prog.ideas", part.Ideas), Count("prog.funded", part.Funded),
        ]);
    }
}
