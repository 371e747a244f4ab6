using Microsoft.AspNetCore.Authorization;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Waardecheque.Domain.Ledger;
using Waardecheque.ReadModels.Audit;
using Waardecheque.ReadModels.Integrity;
using Waardecheque.ReadModels;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Features.Audit;

public sealed record BarRow(string Label, long Value, string Text);
public sealed record BarChart(string Id, string Title, IReadOnlyList<BarRow> Rows);

/// <summary>One line of a <see cref="LineChart"/>: its label, one value per x position, and how it is drawn.</summary>
public sealed record LineSeries(string Label, IReadOnlyList<long> Values, string Colour, string? Dash);

/// <summary>Lines over the same x labels (days); <see cref="Format"/> turns a value into the text on the y axis.</summary>
public sealed record LineChart(string Id, string Title, IReadOnlyList<string> XLabels, IReadOnlyList<LineSeries> Series,
    Func<long, string> Format);

/// <summary>
/// <c>/beheer/regelingen/{id}</c>: the audit at a glance, from the same audit projection the auditor's API uses
/// (<see cref="ProgramAudit.ReadAsync"/>, with the totals per day): does the money reconcile, where is it, how it moved
/// day by day, who takes part. The journal CSV (<c>?handler=Journal</c>) is streamed here because the API's
/// <c>journal.csv</c> takes bearer tokens only; <c>?handler=Verify</c> runs the event log's integrity check.
/// </summary>
[Authorize(Policy = PageAuth.AuditPolicy)]
public sealed class ProgramModel(StoreHolder holder) : WcPageModel
{
    public ProgramRow? Program { get; private set; }
    public AuditFigures? Figures { get; private set; }
    public BarChart MoneyChart { get; private set; } = null!;
    public BarChart ParticipationChart { get; private set; } = null!;
    public IReadOnlyList<AuditDay> Days { get; private set; } = [];
    public LineChart HistoryChart { get; private set; } = null!;
    public IntegrityReport? Integrity { get; private set; }

    public Task OnGetAsync(Guid id) => LoadAsync(id);

    /// <summary>The integrity check of the whole event log (hash chain and checkpoint), shown below the audit.</summary>
    public async Task OnGetVerifyAsync(Guid id)
    {
        await LoadAsync(id);
        if (Program is not null) Integrity = await holder.Store.VerifyAsync(HttpContext.RequestAborted);
    }

    /// <summary>The same journal CSV as the API's <c>journal.csv</c>, for the staff cookie.</summary>
    public async Task<IActionResult> OnGetJournalAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        if (await ProgramQueries.GetAsync(holder.Store.DataSource, id, ct, withCounts: false) is null) return NotFound();
        Response.Headers.CacheControl = "no-store";
        await JournalCsv.WriteAsync(Response, holder.Store, id, ct);
        return new EmptyResult();
    }

    private async Task LoadAsync(Guid id)
    {
        Program = await ProgramQueries.GetAsync(holder.Store.DataSource, id, HttpContext.RequestAborted, withCounts: false);
        if (Program is null) return;
        var history = await ProgramAudit.ReadAsync(holder.Store.DataSource, id, withDays: true, HttpContext.RequestAborted);
        var f = history.Figures;
        Figures = f;
        Days = history.Days;
        LineSeries Line(string key, Func<AuditFigures, long> value, string colour, string? dash) =>
            new(T[key], [.. Days.Select(d => value(d.Figures))], colour, dash);
        HistoryChart = new LineChart("history", T.F("prog.history.chart", T["prog.history"]),
            [.. Days.Select(d => d.Date.ToString("dd-MM", CultureInfo.InvariantCulture))],
            [
                Line("prog.available", d => d.AvailableCents, "#004b87", null),
                Line("prog.pledgedOpen", d => d.PledgedOpenCents, "#a34700", "8 4"),
                Line("prog.committed", d => d.CommittedCents, "#1b6b2a", null),
                Line("prog.spent", d => d.SpentCents, "#6a1b9a", "2 3"),
                Line("prog.returned", d => d.ReturnedCents, "#b00020", "8 3 2 3"),
                Line("prog.expired", d => d.ExpiredCents, "#505050", "4 4"),
            ],
            T.Euros);
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
