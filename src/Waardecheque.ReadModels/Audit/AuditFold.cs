using Waardecheque.Domain.Ledger;

namespace Waardecheque.ReadModels.Audit;

/// <summary>The totals at the end of one UTC day on which the program had an event.</summary>
public sealed record AuditDay(DateOnly Date, AuditFigures Figures);

/// <summary>
/// Folds events onto (partial) books with the domain's own <see cref="Books.Apply"/>, noting the books at the end of
/// every UTC day (of the event's timestamp) that the events cover: the daemon stores those days, a reader adds the
/// days of the tail it folded.
/// </summary>
internal static class AuditFold
{
    public static (Books Books, IReadOnlyList<AuditDay> Days) Run(Books books, IEnumerable<AuditEvent> events)
    {
        var days = new List<AuditDay>();
        DateOnly? day = null;
        foreach (var e in events)
        {
            var date = DateOnly.FromDateTime(e.Time.UtcDateTime);
            if (day is { } previous && previous != date) days.Add(new AuditDay(previous, Totals(books)));
            day = date;
            books = books.Apply(e.StreamId, e.Data);
        }
        if (day is { } last) days.Add(new AuditDay(last, Totals(books)));
        return (books, days);
    }

    /// <summary>A day's figures: the totals, whether they reconcile, and participation; no lists by buurt or idea.</summary>
    public static AuditFigures Totals(Books b) => new(b.IssuedCents, b.ActivatedCents, b.AvailableCents, b.PledgedOpenCents,
        b.CommittedCents, b.SpentCents, b.ReturnedCents, b.ExpiredCents, b.ToppedUpCents, b.RefundedCents, b.Reconciles, [], [],
        new Participation(b.Households, b.ActivatedCount, b.PledgingCount, b.Ideas.Count, b.Ideas.Values.Count(i => i.IsFundedOrCompleted)));
}
